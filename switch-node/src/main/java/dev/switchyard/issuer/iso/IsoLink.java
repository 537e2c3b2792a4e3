package dev.switchyard.issuer.iso;

import com.solab.iso8583.IsoMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link to one issuer endpoint: several TCP connections, each signed on before use, reconnected with
 * exponential backoff when it drops, requests spread over the connections that are ready. STANs come from blocks
 * reserved per route and day ({@link StanBlocks}, {@link StanSequence}). What the link has seen is counted for its
 * health and metrics.
 */
public final class IsoLink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IsoLink.class);

  /** One issuer endpoint and how to keep its connections. */
  public record Settings(
      String name, String host, int port, int connections, Duration connectTimeout, Duration signOnTimeout,
      Duration echoInterval, Duration reconnectMin, Duration reconnectMax, int maxFrameBytes) {}

  /** What the link has seen since it started. */
  public record Counts(long sent, long answered, long timedOut, long unmatched, long protocolErrors,
      long reconnects) {}

  private final Settings settings;
  private final EventLoopGroup group;
  private final Clock clock;
  private final StanSequence stans;
  private final List<IsoConnection> ready = new CopyOnWriteArrayList<>();
  private final ChannelGroup channels = new DefaultChannelGroup("issuer-link", GlobalEventExecutor.INSTANCE);
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final AtomicLong unmatched = new AtomicLong();
  private final AtomicLong protocolErrors = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final CompletableFuture<Void> firstReady = new CompletableFuture<>();
  private volatile boolean closed;

  /** A link whose STANs are unique on this node only until it restarts (tests, tools). */
  public IsoLink(Settings settings, EventLoopGroup group, Clock clock) {
    this(settings, group, clock, StanBlocks.inMemory());
  }

  /** A link whose STANs come from {@code blocks} (a node: reserved in its database, per route and day). */
  public IsoLink(Settings settings, EventLoopGroup group, Clock clock, StanBlocks blocks) {
    this.settings = settings;
    this.group = group;
    this.clock = clock;
    this.stans = new StanSequence(settings.name(), clock, blocks, STAN_BLOCK, ForkJoinPool.commonPool());
  }

  /** STANs reserved at a time: a restart leaves at most this many unused. */
  static final int STAN_BLOCK = 1_000;

  /** Opens the link's connections; they sign on and reconnect by themselves. */
  public IsoLink start() {
    for (int i = 0; i < settings.connections(); i++) {
      connect(0);
    }
    return this;
  }

  public String name() {
    return settings.name();
  }

  public Settings settings() {
    return settings;
  }

  /** The next STAN of this link, for a request about to be sent. */
  public String nextStan() {
    return stans.next();
  }

  /** Completes once a connection has signed on for the first time. */
  public CompletableFuture<Void> firstReady() {
    return firstReady;
  }

  /** Connections signed on and usable. */
  public int readyConnections() {
    return ready.size();
  }

  public Counts counts() {
    return new Counts(sent.get(), answered.get(), timedOut.get(), unmatched.get(), protocolErrors.get(),
        reconnects.get());
  }

  /**
   * Sends {@code request} (its STAN set, see {@link #nextStan}) over a ready connection; completes with the
   * response, or fails with {@link LinkFailure} when no connection is ready or it closes, and with a
   * {@link java.util.concurrent.TimeoutException} by {@code deadline}.
   */
  public CompletionStage<IsoMessage> send(IsoMessage request, Duration deadline) {
    List<IsoConnection> usable = ready;
    if (usable.isEmpty()) {
      return CompletableFuture.failedFuture(
          LinkFailure.notSent("no connection to " + settings.name() + " is signed on"));
    }
    IsoConnection connection = usable.get(Math.floorMod(next.getAndIncrement(), usable.size()));
    sent.incrementAndGet();
    return connection.request(request, deadline).whenComplete((answer, failure) -> {
      if (failure == null) {
        answered.incrementAndGet();
      } else if (failure instanceof java.util.concurrent.TimeoutException) {
        timedOut.incrementAndGet();
      }
    });
  }

  private void connect(int attempt) {
    if (closed) {
      return;
    }
    IsoConnection connection = new IsoConnection(stans, clock, settings.signOnTimeout(), new IsoConnection.Events() {
      @Override
      public void ready(IsoConnection c) {
        ready.add(c);
        firstReady.complete(null);
        log.info("Issuer link {}: a connection to {}:{} is signed on ({} ready)", settings.name(), settings.host(),
            settings.port(), ready.size());
      }

      @Override
      public void closed(IsoConnection c) {
        ready.remove(c);
        if (!closed) {
          reconnects.incrementAndGet();
          log.warn("Issuer link {}: a connection closed ({} ready); reconnecting", settings.name(), ready.size());
          later(0);
        }
      }

      @Override
      public void unmatched(IsoMessage response) {
        unmatched.incrementAndGet();
        log.warn("Issuer link {}: a {} with STAN {} matches no request in flight (late, or never sent)",
            settings.name(), IsoMessages.type(response), IsoMessages.get(response, 11));
      }

      @Override
      public void protocolError(String what) {
        protocolErrors.incrementAndGet();
        log.warn("Issuer link {}: {}", settings.name(), what);
      }
    });
    new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            ch.pipeline().addLast("idle",
                new IdleStateHandler(0, 0, settings.echoInterval().toMillis(), TimeUnit.MILLISECONDS));
            IsoCodec.add(ch.pipeline(), settings.maxFrameBytes());
            ch.pipeline().addLast("connection", connection);
          }
        })
        .connect(settings.host(), settings.port())
        .addListener(connected -> {
          if (!connected.isSuccess()) {
            later(attempt + 1);
          }
        });
  }

  /** Connects again after the backoff of {@code attempt} failures in a row. */
  private void later(int attempt) {
    if (closed) {
      return;
    }
    long pause = Math.min(settings.reconnectMax().toMillis(),
        settings.reconnectMin().toMillis() << Math.min(attempt, 20));
    group.schedule(() -> connect(attempt), pause, TimeUnit.MILLISECONDS);
  }

  /** Signs off every ready connection, closes the others, and stops reconnecting. */
  @Override
  public void close() {
    closed = true;
    List<IsoConnection> signedOn = List.copyOf(ready);
    ready.clear();
    signedOn.forEach(IsoConnection::signOff);
    channels.stream().filter(ch -> signedOn.stream().noneMatch(c -> c.isOn(ch))).forEach(ch -> ch.close());
  }
}
