package dev.switchyard.issuer.sim;

import com.solab.iso8583.IsoMessage;
import dev.switchyard.issuer.ResponseCodes;
import dev.switchyard.issuer.iso.IsoCodec;
import dev.switchyard.issuer.iso.IsoMessages;
import dev.switchyard.payment.Outcome;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An issuer for development, tests and load tests, served over the real ISO 8583 link. Financial requests are
 * decided by the last two digits of the amount (field 4): 05, 13, 51, 54, 59 and 62 are declined with that code,
 * {@code never-answer-suffix} (91) is never answered, anything else is approved. Network messages are always
 * answered. A {@link Mode} changes that at run time, to rehearse outages: every answer slow, financial requests
 * never answered, the connection dropped, or garbage sent instead of an answer.
 */
public final class IsoIssuerSimulator implements AutoCloseable {

  /** How the simulator treats financial requests. */
  public enum Mode {
    /** By the rules above. */
    NORMAL,
    /** By the rules, each answer after the slow delay. */
    SLOW,
    /** No answer at all. */
    SILENT,
    /** The connection closed on the request. */
    DROP,
    /** A frame that is not ISO 8583 instead of the answer. */
    GARBAGE
  }

  /** Where it listens and how it answers. */
  public record Settings(String host, int port, Duration delay, Duration slowDelay, int neverAnswerSuffix,
      int maxFrameBytes) {}

  /** One message the simulator received: its type and its fields as sent. */
  public record Seen(String type, Map<Integer, String> fields) {
    public String field(int n) {
      return fields.get(n);
    }
  }

  private static final Map<Integer, Outcome> DECLINES = Map.of(
      5, Outcome.DO_NOT_HONOR, 13, Outcome.INVALID_AMOUNT, 51, Outcome.INSUFFICIENT_FUNDS,
      54, Outcome.EXPIRED_CARD, 59, Outcome.SUSPECTED_FRAUD, 62, Outcome.RESTRICTED_CARD);

  private final Settings settings;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  /** The last messages received, at most {@link #REMEMBERED}: enough for a test, bounded for a load test. */
  private final java.util.Deque<Seen> seen = new java.util.ArrayDeque<>();
  private static final int REMEMBERED = 10_000;
  private volatile Mode mode = Mode.NORMAL;
  private final io.netty.channel.group.ChannelGroup connections =
      new io.netty.channel.group.DefaultChannelGroup("issuer-simulator", io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
  private Channel server;

  private IsoIssuerSimulator(Settings settings) {
    this.settings = settings;
  }

  /** Binds and serves until closed. */
  public static IsoIssuerSimulator start(Settings settings) {
    IsoIssuerSimulator sim = new IsoIssuerSimulator(settings);
    try {
      sim.server = new ServerBootstrap()
          .group(sim.group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              sim.connections.add(ch);
              IsoCodec.add(ch.pipeline(), settings.maxFrameBytes());
              ch.pipeline().addLast("issuer", sim.new Answers());
            }
          })
          .bind(settings.host(), settings.port()).sync().channel();
    } catch (Exception e) {
      sim.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("The issuer simulator cannot bind " + settings.host() + ":" + settings.port(),
          e);
    }
    return sim;
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  public Mode mode() {
    return mode;
  }

  public void mode(Mode next) {
    mode = next;
  }

  /** The messages received, oldest first (the last {@value #REMEMBERED}). */
  public List<Seen> seen() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  private void remember(IsoMessage message) {
    Seen one = record(message);
    synchronized (seen) {
      if (seen.size() == REMEMBERED) {
        seen.removeFirst();
      }
      seen.addLast(one);
    }
  }

  /** The response code for a request of {@code amountMinor}, or null for never. */
  String decide(long amountMinor) {
    int suffix = (int) Math.floorMod(amountMinor, 100L);
    if (suffix == settings.neverAnswerSuffix()) {
      return null;
    }
    Outcome decline = DECLINES.get(suffix);
    return ResponseCodes.code(decline == null ? Outcome.APPROVED : decline);
  }

  private final class Answers extends SimpleChannelInboundHandler<IsoMessage> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, IsoMessage request) {
      remember(request);
      if (request.getType() == IsoMessages.NETWORK) {
        ctx.writeAndFlush(IsoMessages.response(request, "00"));
        return;
      }
      Mode now = mode;
      switch (now) {
        case SILENT -> { }
        case DROP -> ctx.close();
        case GARBAGE -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0, 4, (byte) 0xde, (byte) 0xad, 0, 1}))
            .addListener(f -> { });
        case NORMAL, SLOW -> answer(ctx, request, now == Mode.SLOW ? settings.slowDelay() : settings.delay());
      }
    }

    private void answer(ChannelHandlerContext ctx, IsoMessage request, Duration after) {
      String code = request.getType() == IsoMessages.AUTHORIZATION
          ? decide(Long.parseLong(IsoMessages.get(request, 4))) : "00";
      if (code == null) {
        return;
      }
      IsoMessage response = IsoMessages.response(request, code);
      if (request.getType() == IsoMessages.AUTHORIZATION && "00".equals(code)) {
        IsoMessages.text(response, 38, authCode(request), 6);
      }
      if (after.isZero()) {
        ctx.writeAndFlush(response);
      } else {
        ctx.executor().schedule(() -> ctx.writeAndFlush(response), after.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
  }

  private static String authCode(IsoMessage request) {
    String stan = String.valueOf(IsoMessages.get(request, 11));
    String rrn = String.valueOf(IsoMessages.get(request, 37));
    return String.format("%06d", Math.floorMod((rrn + stan).hashCode(), 1_000_000));
  }

  private static Seen record(IsoMessage m) {
    Map<Integer, String> fields = new java.util.TreeMap<>();
    for (int f = 2; f <= 128; f++) {
      if (m.hasField(f)) {
        fields.put(f, IsoMessages.get(m, f));
      }
    }
    return new Seen(IsoMessages.type(m), Map.copyOf(fields));
  }

  /** Stops listening and closes every connection, as an issuer that goes down does. */
  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    connections.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
