package dev.switchyard.gateway;

import dev.switchyard.payment.CardProtector;
import dev.switchyard.payment.PaymentEntity;
import dev.switchyard.protocol.codec.FrameCodecs;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.PaymentReply;
import dev.switchyard.protocol.v1.Reconnect;
import dev.switchyard.protocol.v1.ResultCode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acquirer gateway: a Netty server speaking length-delimited Protobuf. Its event loops stop from Pekko's
 * coordinated shutdown: first it stops accepting and tells connected acquirers to reconnect elsewhere, then it
 * waits for in-flight requests (at most the drain timeout), then it closes every connection.
 */
public final class GatewayServer {

  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final GatewaySettings settings;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ChannelGroup connections = new DefaultChannelGroup("acquirers", GlobalEventExecutor.INSTANCE);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean draining;
  private Channel serverChannel;

  private GatewayServer(GatewaySettings settings) {
    this.settings = settings;
    this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(settings.ioThreads(), NioIoHandler.newFactory());
  }

  /** Binds the gateway and registers its shutdown with the actor system. */
  public static GatewayServer start(ActorSystem<?> system, GatewaySettings settings, CardProtector cards,
      Clock clock, String nodeName) {
    GatewayServer server = new GatewayServer(settings);
    ClusterSharding sharding = ClusterSharding.get(system);
    GatewayStats stats = GatewayStats.get(system);
    RequestValidator validator = new RequestValidator(settings.maxAmountMinor(), clock);
    GatewayHandler.Backend backend = new GatewayHandler.Backend() {
      @Override
      public CompletionStage<PaymentReply> ask(
          String paymentId, Function<ActorRef<PaymentReply>, PaymentEntity.Command> command) {
        return sharding.entityRefFor(PaymentEntity.ENTITY_KEY, paymentId).ask(command, settings.requestTimeout());
      }

      @Override
      public boolean draining() {
        return server.draining;
      }

      @Override
      public void inFlightChanged(int delta) {
        if (server.inFlight.addAndGet(delta) == 0 && server.draining) {
          server.drained.complete(null);
        }
      }

      @Override
      public int nodeInFlight() {
        return server.inFlight.get();
      }

      @Override
      public String nodeName() {
        return nodeName;
      }
    };
    server.bind(validator, cards, stats, backend);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "gateway-unbind", server::unbind);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "gateway-drain", server::drain);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "gateway-stop", server::stop);
    return server;
  }

  private void bind(RequestValidator validator, CardProtector cards, GatewayStats stats,
      GatewayHandler.Backend backend) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (draining) {
              ch.close();
              return;
            }
            connections.add(ch);
            ch.pipeline().addLast("idle",
                new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
            FrameCodecs.server(ch.pipeline(), settings.maxFrameBytes());
            ch.pipeline().addLast("gateway", new GatewayHandler(settings, validator, cards, stats, backend));
          }
        });
    try {
      serverChannel = bootstrap.bind(settings.host(), settings.port()).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while binding the gateway", e);
    } catch (Exception e) {
      stopEventLoops();
      throw new IllegalStateException(
          "Cannot bind the acquirer gateway to " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
    }
    log.info("Acquirer gateway listening on {}", serverChannel.localAddress());
  }

  /** The address actually bound (the port may have been 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public boolean isListening() {
    return serverChannel != null && serverChannel.isActive() && !draining;
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** Stops accepting connections and tells connected acquirers to move to another node. */
  public CompletionStage<Done> unbind() {
    draining = true;
    if (inFlight.get() == 0) {
      drained.complete(null);
    }
    AcquirerResponse notice = AcquirerResponse.newBuilder()
        .setResult(ResultCode.SHUTTING_DOWN)
        .setReason("node leaving; finish in-flight requests and reconnect to another node")
        .setReconnect(Reconnect.newBuilder().setReason("node leaving"))
        .build();
    connections.writeAndFlush(notice);
    CompletableFuture<Done> unbound = new CompletableFuture<>();
    serverChannel.close().addListener(f -> unbound.complete(Done.getInstance()));
    return unbound;
  }

  /** Completes when no request is in flight, or after the drain timeout. */
  public CompletionStage<Done> drain() {
    Duration timeout = settings.drainTimeout();
    return drained.completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(v -> {
      if (inFlight.get() > 0) {
        log.warn("{} requests still in flight after the drain timeout of {}", inFlight.get(), timeout);
      }
      return Done.getInstance();
    });
  }

  /** Closes every connection and stops the event loops. */
  public CompletionStage<Done> stop() {
    CompletableFuture<Done> stopped = new CompletableFuture<>();
    connections.close().addListener(f -> {
      stopEventLoops();
      stopped.complete(Done.getInstance());
    });
    return stopped;
  }

  private void stopEventLoops() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
