package dev.switchyard.gateway;

import dev.switchyard.payment.CardProtector;
import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.PaymentEntity;
import dev.switchyard.payment.Reply;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Reconnect;
import dev.switchyard.protocol.v1.ResultCode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acquirer gateway: a Netty server speaking length-delimited Protobuf (pipeline in {@link GatewayInitializer}).
 * Its event loops stop from Pekko's coordinated shutdown: first it stops accepting and tells connected acquirers
 * to reconnect elsewhere, then it waits for in-flight requests (at most the drain timeout), then it closes every
 * connection.
 */
public final class GatewayServer {

  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final GatewaySettings settings;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ChannelGroup connections = new DefaultChannelGroup("acquirers", GlobalEventExecutor.INSTANCE);
  private final NodeLoad load = new NodeLoad();
  private final GatewayTls tls;
  private Channel serverChannel;

  private GatewayServer(GatewaySettings settings) {
    settings.requireSafeTransport();
    this.settings = settings;
    this.tls = settings.tls().enabled() ? GatewayTls.start(settings.tls()) : null;
    this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(settings.ioThreads(), NioIoHandler.newFactory());
  }

  /** Binds the gateway and registers its shutdown with the actor system. */
  public static GatewayServer start(ActorSystem<?> system, GatewaySettings settings, CardProtector cards,
      Clock clock, String nodeName) {
    GatewayServer server = new GatewayServer(settings);
    if (!settings.acquirersWithPlainSecrets().isEmpty()) {
      log.warn("Acquirers with a secret in clear in the configuration (development only): {}",
          settings.acquirersWithPlainSecrets());
    }
    ClusterSharding sharding = ClusterSharding.get(system);
    GatewayBackend backend = new GatewayBackend() {
      @Override
      public CompletionStage<Reply> ask(String paymentId, Function<ActorRef<Reply>, PaymentCommand> command,
          Duration timeout) {
        return sharding.entityRefFor(PaymentEntity.ENTITY_KEY, paymentId).ask(command, timeout);
      }

      @Override
      public String nodeName() {
        return nodeName;
      }
    };
    server.bind(new GatewayInitializer(settings, server.load, GatewayStats.get(system),
        new RequestValidator(settings.maxAmountMinor(), clock), new RequestMapper(cards), backend,
        server.connections, server.tls));
    if (server.tls != null) {
      long every = server.tls.reloadInterval().toMillis();
      server.boss.scheduleWithFixedDelay(server.tls::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "gateway-unbind", server::unbind);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "gateway-drain", server::drain);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "gateway-stop", server::stop);
    return server;
  }

  private void bind(GatewayInitializer initializer) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(settings.writeBufferLow(), settings.writeBufferHigh()))
        .childHandler(initializer);
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
    log.info("Acquirer gateway listening on {} ({})", serverChannel.localAddress(), tls == null ? "plain TCP" : "TLS");
  }

  /** The address actually bound (the port may have been 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** TLS in force (certificate, expiry, last reload error), or null on a plain gateway. */
  public java.util.Map<String, Object> tlsStatus() {
    return tls == null ? null : tls.status();
  }

  public boolean isListening() {
    return serverChannel != null && serverChannel.isActive() && !load.draining();
  }

  public int inFlight() {
    return load.inFlight();
  }

  /** Connections not being read because their answers are not read. */
  public long pausedConnections() {
    return connections.stream().filter(ch -> !ch.config().isAutoRead()).count();
  }

  /** Stops accepting connections and tells connected acquirers to move to another node. */
  public CompletionStage<Done> unbind() {
    load.drain();
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
    return load.drain().completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(v -> {
      if (load.inFlight() > 0) {
        log.warn("{} requests still in flight after the drain timeout of {}", load.inFlight(), timeout);
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
