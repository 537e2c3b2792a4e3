package dev.switchyard.protocol.client;

import dev.switchyard.protocol.codec.FrameCodecs;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Hello;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A pipelining client of the acquirer protocol: many requests in flight on one connection, each answer matched
 * to its request by correlation id, in whatever order the switch answers. Never blocks a Netty thread; callers
 * get a {@link CompletableFuture} per request. Used by the command-line client, the load generator and tests.
 */
public final class SwitchClient implements AutoCloseable {

  private final Channel channel;
  private final EventLoopGroup ownedGroup;
  private final Map<Long, CompletableFuture<AcquirerResponse>> pending = new ConcurrentHashMap<>();
  private final AtomicLong correlation = new AtomicLong();
  private volatile Consumer<AcquirerResponse> unsolicited = response -> { };

  private SwitchClient(Channel channel, EventLoopGroup ownedGroup) {
    this.channel = channel;
    this.ownedGroup = ownedGroup;
  }

  /** Connects with a private one-thread event loop, closed with the client. */
  public static SwitchClient connect(String host, int port, Duration timeout) throws IOException {
    return connect(host, port, timeout, null);
  }

  /** Connects with a private one-thread event loop, over TLS unless {@code tls} is null. */
  public static SwitchClient connect(String host, int port, Duration timeout, ClientTls tls) throws IOException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      return connect(group, host, port, timeout, tls, true);
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /** Connects on a shared event loop group (many connections, as the load generator opens). */
  public static SwitchClient connect(EventLoopGroup group, String host, int port, Duration timeout)
      throws IOException {
    return connect(group, host, port, timeout, null, false);
  }

  /** Connects on a shared event loop group, over TLS unless {@code tls} is null. */
  public static SwitchClient connect(EventLoopGroup group, String host, int port, Duration timeout, ClientTls tls)
      throws IOException {
    return connect(group, host, port, timeout, tls, false);
  }

  private static SwitchClient connect(EventLoopGroup group, String host, int port, Duration timeout, ClientTls tls,
      boolean owned) throws IOException {
    SwitchClient[] holder = new SwitchClient[1];
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls != null) {
              SslHandler ssl = tls.handler(ch.alloc(), host, port);
              ssl.setHandshakeTimeoutMillis(timeout.toMillis());
              ch.pipeline().addLast("tls", ssl);
            }
            FrameCodecs.client(ch.pipeline(), 16 * 1024 * 1024);
            ch.pipeline().addLast("client", new Handler(() -> holder[0]));
          }
        });
    var future = bootstrap.connect(host, port).awaitUninterruptibly();
    if (!future.isSuccess()) {
      throw new IOException("Cannot connect to " + host + ":" + port + ": " + future.cause().getMessage(),
          future.cause());
    }
    SslHandler ssl = future.channel().pipeline().get(SslHandler.class);
    if (ssl != null) {
      var handshake = ssl.handshakeFuture().awaitUninterruptibly();
      if (!handshake.isSuccess()) {
        future.channel().close();
        throw new IOException("TLS handshake with " + host + ":" + port + " failed: "
            + handshake.cause().getMessage(), handshake.cause());
      }
    }
    SwitchClient client = new SwitchClient(future.channel(), owned ? group : null);
    holder[0] = client;
    future.channel().closeFuture().addListener(f -> client.failPending());
    return client;
  }

  /** Called with every message the switch sends on its own (correlation id 0), such as a reconnect notice. */
  public void onUnsolicited(Consumer<AcquirerResponse> listener) {
    this.unsolicited = listener;
  }

  /** Opens the session. */
  public CompletableFuture<AcquirerResponse> hello(String acquirerId, String secret) {
    return send(AcquirerRequest.newBuilder()
        .setHello(Hello.newBuilder().setAcquirerId(acquirerId).setSecret(secret).setClientName("switch-client")));
  }

  /** Sends a request, giving it the next correlation id; completes with its answer or when the link drops. */
  public CompletableFuture<AcquirerResponse> send(AcquirerRequest.Builder request) {
    long id = correlation.incrementAndGet();
    CompletableFuture<AcquirerResponse> answer = new CompletableFuture<>();
    pending.put(id, answer);
    if (!channel.isActive()) {
      pending.remove(id);
      answer.completeExceptionally(new ClosedChannelException());
      return answer;
    }
    channel.writeAndFlush(request.setCorrelationId(id).build()).addListener(f -> {
      if (!f.isSuccess()) {
        pending.remove(id);
        answer.completeExceptionally(f.cause());
      }
    });
    return answer;
  }

  /** Writes raw bytes past the encoders (no length prefix added), for tests of malformed input. */
  public void sendRaw(byte[] bytes) {
    channel.pipeline().firstContext().writeAndFlush(channel.alloc().buffer(bytes.length).writeBytes(bytes));
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  public int inFlight() {
    return pending.size();
  }

  /** Completes when the connection is closed, by either side. */
  public CompletableFuture<Void> closed() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    channel.closeFuture().addListener(f -> done.complete(null));
    return done;
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    if (ownedGroup != null) {
      ownedGroup.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

  // Removes each request before failing it: a request put in by another thread while this runs is either failed
  // here or fails its own write on the closed channel, never dropped unanswered.
  private void failPending() {
    for (Long id : pending.keySet()) {
      CompletableFuture<AcquirerResponse> answer = pending.remove(id);
      if (answer != null) {
        answer.completeExceptionally(new ClosedChannelException());
      }
    }
  }

  private void deliver(AcquirerResponse response) {
    CompletableFuture<AcquirerResponse> answer = pending.remove(response.getCorrelationId());
    if (answer != null) {
      answer.complete(response);
    } else {
      unsolicited.accept(response);
    }
  }

  private static final class Handler extends SimpleChannelInboundHandler<AcquirerResponse> {
    private final java.util.function.Supplier<SwitchClient> client;

    Handler(java.util.function.Supplier<SwitchClient> client) {
      this.client = client;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, AcquirerResponse msg) {
      SwitchClient c = client.get();
      if (c != null) {
        c.deliver(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
