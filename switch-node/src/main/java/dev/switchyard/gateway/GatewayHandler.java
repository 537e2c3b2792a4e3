package dev.switchyard.gateway;

import dev.switchyard.gateway.GatewayStats.Operation;
import dev.switchyard.ops.Metrics;
import dev.switchyard.payment.CardProtector;
import dev.switchyard.payment.Money;
import dev.switchyard.payment.PaymentEntity;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.payment.Sha256;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Authorize;
import dev.switchyard.protocol.v1.HelloAccepted;
import dev.switchyard.protocol.v1.PaymentReply;
import dev.switchyard.protocol.v1.ResultCode;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One acquirer connection. Opens with a hello; then validates each request, asks the payment entity without
 * blocking, and writes the answer when it comes, in whatever order answers come. Flushes once per read batch.
 * Every request gets exactly one answer; a broken frame gets an answer where one can be written, and only this
 * connection is closed.
 */
final class GatewayHandler extends SimpleChannelInboundHandler<AcquirerRequest> {

  private static final Logger log = LoggerFactory.getLogger(GatewayHandler.class);

  /** What the handler needs from the node; one shared instance for all connections. */
  interface Backend {
    CompletionStage<PaymentReply> ask(String paymentId, Function<ActorRef<PaymentReply>, PaymentEntity.Command> cmd);

    boolean draining();

    void inFlightChanged(int delta);

    /** Requests in flight on this node, over all connections. */
    int nodeInFlight();

    String nodeName();
  }

  private final GatewaySettings settings;
  private final RequestValidator validator;
  private final CardProtector cards;
  private final GatewayStats stats;
  private final Backend backend;
  private String acquirerId;
  private int inFlight;
  private ScheduledFuture<?> helloDeadline;

  GatewayHandler(GatewaySettings settings, RequestValidator validator, CardProtector cards, GatewayStats stats,
      Backend backend) {
    this.settings = settings;
    this.validator = validator;
    this.cards = cards;
    this.stats = stats;
    this.backend = backend;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    helloDeadline = ctx.executor().schedule(() -> {
      if (acquirerId == null && ctx.channel().isActive()) {
        closeWith(ctx, refusal(0, ResultCode.UNAUTHENTICATED, "hello",
            "no hello within " + settings.helloTimeout().toMillis() + " ms"));
      }
    }, settings.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (helloDeadline != null) {
      helloDeadline.cancel(false);
    }
    if (acquirerId != null) {
      Metrics.connections(acquirerId).decrement();
    }
    ctx.fireChannelInactive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, AcquirerRequest request) {
    long start = System.nanoTime();
    long correlation = request.getCorrelationId();
    Operation op = operation(request);
    if (request.hasHello()) {
      hello(ctx, request, start);
      return;
    }
    if (acquirerId == null) {
      stats.record(op, "", ResultCode.UNAUTHENTICATED, System.nanoTime() - start, 0);
      closeWith(ctx, refusal(correlation, ResultCode.UNAUTHENTICATED, "hello",
          "open the session with a successful hello first"));
      return;
    }
    if (backend.draining()) {
      answer(ctx, op, start, refusal(correlation, ResultCode.SHUTTING_DOWN, "",
          "this node is shutting down; reconnect to another node"), false);
      return;
    }
    if (inFlight >= settings.maxInFlight()) {
      answer(ctx, op, start, refusal(correlation, ResultCode.OVERLOADED, "",
          "more than " + settings.maxInFlight() + " requests in flight on this connection"), false);
      return;
    }
    if (backend.nodeInFlight() >= settings.maxInFlightPerNode()) {
      // Shed load before it queues behind the journal: past about a second of work, waiting only ends in
      // TIMEOUT, and recoveries waiting long enough open the journal's circuit breaker (docs/benchmarks.md).
      answer(ctx, op, start, refusal(correlation, ResultCode.OVERLOADED, "",
          "more than " + settings.maxInFlightPerNode() + " requests in flight on this node; retry later"), false);
      return;
    }
    RequestValidator.Problem problem = validator.validate(request);
    if (problem != null) {
      answer(ctx, op, start, refusal(correlation, ResultCode.INVALID_REQUEST, problem.field(), problem.reason()),
          false);
      return;
    }
    dispatch(ctx, request, op, start);
  }

  private void dispatch(ChannelHandlerContext ctx, AcquirerRequest request, Operation op, long start) {
    String acq = acquirerId;
    String rid = request.getRequestId();
    String paymentId;
    Function<ActorRef<PaymentReply>, PaymentEntity.Command> command;
    switch (request.getOperationCase()) {
      case AUTHORIZE -> {
        Authorize a = request.getAuthorize();
        paymentId = PaymentIds.derive(acq, a.getAcquirerReference());
        var card = cards.protect(a.getCard().getPan(), a.getCard().getExpiryMonth(), a.getCard().getExpiryYear());
        Money amount = Money.fromProto(a.getAmount());
        command = r -> new PaymentEntity.Authorize(rid, acq, a.getAcquirerReference(), a.getMerchantId(), amount,
            card, r);
      }
      case INCREMENT -> {
        paymentId = request.getIncrement().getPaymentId();
        Money amount = Money.fromProto(request.getIncrement().getAmount());
        command = r -> new PaymentEntity.IncrementAuthorization(rid, acq, amount, r);
      }
      case CAPTURE -> {
        paymentId = request.getCapture().getPaymentId();
        Money amount = Money.fromProto(request.getCapture().getAmount());
        boolean isFinal = request.getCapture().getFinal();
        command = r -> new PaymentEntity.Capture(rid, acq, amount, isFinal, r);
      }
      case VOID -> {
        paymentId = request.getVoid().getPaymentId();
        command = r -> new PaymentEntity.VoidAuthorization(rid, acq, r);
      }
      case REFUND -> {
        paymentId = request.getRefund().getPaymentId();
        Money amount = Money.fromProto(request.getRefund().getAmount());
        command = r -> new PaymentEntity.Refund(rid, acq, amount, r);
      }
      case GET -> {
        var get = request.getGet();
        paymentId = get.getPaymentId().isEmpty()
            ? PaymentIds.derive(acq, get.getAcquirerReference()) : get.getPaymentId();
        command = r -> new PaymentEntity.Get(acq, r);
      }
      default -> throw new IllegalStateException("validated request without an operation");
    }
    long correlation = request.getCorrelationId();
    inFlight++;
    backend.inFlightChanged(1);
    Metrics.IN_FLIGHT.increment();
    // The answer is handled on this connection's event loop. The executor must be explicit: the ask's stage
    // runs even plain whenComplete callbacks asynchronously, and without an executor that means the JDK's
    // default, which on a two-core machine is a new thread per callback.
    backend.ask(paymentId, command).whenCompleteAsync((reply, failure) -> {
      inFlight--;
      backend.inFlightChanged(-1);
      Metrics.IN_FLIGHT.decrement();
      AcquirerResponse response = failure == null
          ? toResponse(correlation, reply)
          : failureResponse(correlation, paymentId, failure);
      answer(ctx, op, start, response, true);
    }, ctx.executor());
  }

  private AcquirerResponse failureResponse(long correlation, String paymentId, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof AskTimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
      return refusal(correlation, ResultCode.TIMEOUT, "", "no answer within "
          + settings.requestTimeout().toMillis() + " ms; the operation may still complete: retry with the same "
          + "request_id to learn its outcome");
    }
    try (var p = MDC.putCloseable("payment_id", paymentId);
        var c = MDC.putCloseable("correlation_id", Long.toString(correlation))) {
      log.error("Request failed inside the switch: {}", cause.toString());
    }
    return refusal(correlation, ResultCode.SYSTEM_ERROR, "",
        "internal failure; retry with the same request_id");
  }

  private void hello(ChannelHandlerContext ctx, AcquirerRequest request, long start) {
    long correlation = request.getCorrelationId();
    if (acquirerId != null) {
      answer(ctx, Operation.HELLO, start,
          refusal(correlation, ResultCode.INVALID_REQUEST, "hello", "the session is already open"), false);
      return;
    }
    String id = request.getHello().getAcquirerId();
    String expected = settings.acquirerSecrets().get(id);
    // Compare digests so neither the secret's content nor its length shows in the timing.
    boolean ok = MessageDigest.isEqual(
        digest(expected == null ? "\u0000no-such-acquirer" : expected), digest(request.getHello().getSecret()))
        && expected != null;
    if (!ok) {
      stats.record(Operation.HELLO, "", ResultCode.UNAUTHENTICATED, System.nanoTime() - start, 0);
      log.warn("Refused hello for acquirer id '{}' from {}", printable(id), ctx.channel().remoteAddress());
      closeWith(ctx, refusal(correlation, ResultCode.UNAUTHENTICATED, "hello.secret",
          "unknown acquirer or wrong secret"));
      return;
    }
    acquirerId = id;
    helloDeadline.cancel(false);
    Metrics.connections(id).increment();
    AcquirerResponse response = AcquirerResponse.newBuilder()
        .setCorrelationId(correlation)
        .setResult(ResultCode.APPROVED)
        .setHello(HelloAccepted.newBuilder()
            .setNode(backend.nodeName())
            .setMaxInFlight(settings.maxInFlight())
            .setMaxFrameBytes(settings.maxFrameBytes()))
        .build();
    answer(ctx, Operation.HELLO, start, response, false);
  }

  private void answer(ChannelHandlerContext ctx, Operation op, long start, AcquirerResponse response,
      boolean flush) {
    long approvedAmount = op == Operation.AUTHORIZE && response.getResult() == ResultCode.APPROVED
        ? response.getPayment().getAuthorizedMinor() : 0;
    stats.record(op, acquirerId == null ? "" : acquirerId, response.getResult(), System.nanoTime() - start,
        approvedAmount);
    if (flush) {
      ctx.writeAndFlush(response, ctx.voidPromise());
    } else {
      ctx.write(response, ctx.voidPromise());
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent && inFlight == 0) {
      closeWith(ctx, refusal(0, ResultCode.TIMEOUT, "connection",
          "idle for " + settings.idleTimeout().toMillis() + " ms"));
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException) {
      // Frame errors say what was wrong with the frame; Protobuf errors are summarized, never echoed.
      String reason = cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException
          ? cause.getMessage()
          : "malformed Protobuf message";
      log.warn("Closing connection from {}: bad frame ({})", ctx.channel().remoteAddress(), reason);
      closeWith(ctx, refusal(0, ResultCode.INVALID_REQUEST, "frame", reason));
    } else if (cause instanceof IOException) {
      ctx.close();
    } else {
      log.error("Closing connection from {} after an unexpected failure", ctx.channel().remoteAddress(), cause);
      ctx.close();
    }
  }

  /** Writes a last answer, then closes this connection only. */
  private static void closeWith(ChannelHandlerContext ctx, AcquirerResponse response) {
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  static AcquirerResponse toResponse(long correlation, PaymentReply reply) {
    AcquirerResponse.Builder b = AcquirerResponse.newBuilder()
        .setCorrelationId(correlation)
        .setResult(reply.getResult())
        .setField(reply.getField())
        .setReason(reply.getReason());
    if (reply.hasPayment()) {
      b.setPayment(reply.getPayment());
    }
    return b.build();
  }

  static AcquirerResponse refusal(long correlation, ResultCode code, String field, String reason) {
    return AcquirerResponse.newBuilder()
        .setCorrelationId(correlation).setResult(code).setField(field).setReason(reason).build();
  }

  private static Operation operation(AcquirerRequest request) {
    return switch (request.getOperationCase()) {
      case HELLO -> Operation.HELLO;
      case AUTHORIZE -> Operation.AUTHORIZE;
      case INCREMENT -> Operation.INCREMENT;
      case CAPTURE -> Operation.CAPTURE;
      case VOID -> Operation.VOID;
      case REFUND -> Operation.REFUND;
      case GET -> Operation.GET;
      case OPERATION_NOT_SET -> Operation.INVALID;
    };
  }

  private static byte[] digest(String s) {
    return Sha256.get().digest(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
