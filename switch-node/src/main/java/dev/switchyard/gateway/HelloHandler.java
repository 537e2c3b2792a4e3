package dev.switchyard.gateway;

import dev.switchyard.gateway.GatewayStats.Operation;
import dev.switchyard.payment.SaltedSecret;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.HelloAccepted;
import dev.switchyard.protocol.v1.ResultCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a connection: waits for the hello, authenticates the acquirer, and replaces itself with
 * the admission and request handlers bound to that acquirer. On a TLS connection with a client certificate, the
 * certificate must name the acquirer of the hello. A source address with too many failed hellos, or an acquirer
 * with its most connections to this node, is answered RATE_LIMITED (with when to retry). Anything else first, a
 * wrong secret, or no hello within switch.gateway.hello-timeout is answered UNAUTHENTICATED and the connection
 * closed.
 */
final class HelloHandler extends SimpleChannelInboundHandler<AcquirerRequest> {

  private static final Logger log = LoggerFactory.getLogger(HelloHandler.class);
  /** What an unknown acquirer's hello is compared with, so that it takes as long as a wrong secret. */
  private static final String UNKNOWN = SaltedSecret.hash(SaltedSecret.generate());

  /** What the handlers of an authenticated connection are made of. */
  interface Session {
    AdmissionHandler admission(String acquirerId);

    RequestHandler requests(String acquirerId);

    AcquirerLimits limits();
  }

  private final GatewaySettings settings;
  private final GatewayStats stats;
  private final String nodeName;
  private final Session session;
  private final GatewayTls tls;
  private ScheduledFuture<?> deadline;

  /** {@code tls} is null on a plain gateway. */
  HelloHandler(GatewaySettings settings, GatewayStats stats, String nodeName, GatewayTls tls, Session session) {
    this.settings = settings;
    this.tls = tls;
    this.stats = stats;
    this.nodeName = nodeName;
    this.session = session;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> Responses.closeWith(ctx, Responses.refusal(0,
        ResultCode.UNAUTHENTICATED, "hello", "no hello within " + settings.helloTimeout().toMillis() + " ms")),
        settings.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, AcquirerRequest request) {
    long start = System.nanoTime();
    if (!request.hasHello()) {
      refuse(ctx, Responses.operation(request), start, Responses.refusal(request.getCorrelationId(),
          ResultCode.UNAUTHENTICATED, "hello", "open the session with a successful hello first"));
      return;
    }
    AcquirerLimits limits = session.limits();
    java.net.SocketAddress from = ctx.channel().remoteAddress();
    long blocked = limits.refuseHelloFor(from);
    if (blocked > 0) {
      refuse(ctx, Operation.HELLO, start, Responses.rateLimited(request.getCorrelationId(), "hello",
          "more than " + limits.helloLimit() + " from this address", blocked));
      return;
    }
    String id = request.getHello().getAcquirerId();
    String stored = settings.acquirerSecrets().get(id);
    // Digests compared in constant time; an unknown acquirer costs the same as a wrong secret.
    boolean ok = SaltedSecret.matches(stored == null ? UNKNOWN : stored, request.getHello().getSecret())
        && stored != null;
    if (!ok) {
      limits.helloFailed(from);
      // An id that is no acquirer's is not logged: it may be a secret typed in the wrong field.
      log.warn("Refused hello for acquirer id {} from {}", stored == null ? "(not an acquirer's)"
          : "'" + printable(id) + "'", ctx.channel().remoteAddress());
      refuse(ctx, Operation.HELLO, start, Responses.refusal(request.getCorrelationId(), ResultCode.UNAUTHENTICATED,
          "hello.secret", "unknown acquirer or wrong secret"));
      return;
    }
    String certified = tls == null ? null : tls.certifiedAcquirer(ctx.channel());
    if (certified != null && !certified.equals(id)) {
      limits.helloFailed(from);
      log.warn("Refused hello for acquirer id '{}' from {}: its client certificate names another acquirer",
          printable(id), ctx.channel().remoteAddress());
      refuse(ctx, Operation.HELLO, start, Responses.refusal(request.getCorrelationId(), ResultCode.UNAUTHENTICATED,
          "hello.acquirer_id", "the client certificate is not this acquirer's"));
      return;
    }
    if (!limits.openConnection(id)) {
      log.warn("Refused hello for acquirer id '{}' from {}: {} connections to this node already", printable(id),
          from, limits.connectionLimit(id));
      refuse(ctx, Operation.HELLO, start, Responses.rateLimited(request.getCorrelationId(), "hello",
          "this acquirer has " + limits.connectionLimit(id) + " connections to this node, the most allowed",
          settings.helloTimeout().toMillis()));
      return;
    }
    ctx.channel().closeFuture().addListener(f -> limits.closeConnection(id));
    ctx.pipeline().addBefore(ctx.name(), "admission", session.admission(id));
    ctx.pipeline().replace(this, "requests", session.requests(id));
    AcquirerResponse accepted = AcquirerResponse.newBuilder()
        .setCorrelationId(request.getCorrelationId())
        .setResult(ResultCode.APPROVED)
        .setHello(HelloAccepted.newBuilder()
            .setNode(nodeName)
            .setMaxInFlight(settings.maxInFlight())
            .setMaxFrameBytes(settings.maxFrameBytes()))
        .build();
    stats.record(Operation.HELLO, id, accepted, System.nanoTime() - start, false);
    ctx.pipeline().context("requests").write(accepted);
  }

  private void refuse(ChannelHandlerContext ctx, Operation op, long start, AcquirerResponse refusal) {
    stats.record(op, "", refusal, System.nanoTime() - start, false);
    Responses.closeWith(ctx, refusal);
  }

  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
