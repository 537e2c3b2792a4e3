package dev.switchyard.gateway;

import dev.switchyard.gateway.GatewayStats.Operation;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The requests of one authenticated acquirer: validates each before any payment is touched, maps it to its
 * payment's command, asks without blocking and writes the answer when it comes, in whatever order answers come.
 * A request that changes a payment waits for the issuer deadline plus switch.gateway.request-timeout (it may ask
 * the issuer, or wait behind an increment the issuer is deciding), a read the request timeout alone, so an answer
 * the issuer gives in time is never answered TIMEOUT.
 */
final class RequestHandler extends SimpleChannelInboundHandler<AcquirerRequest> {

  private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

  private final String acquirerId;
  private final GatewaySettings settings;
  private final RequestValidator validator;
  private final RequestMapper mapper;
  private final GatewayBackend backend;

  RequestHandler(String acquirerId, GatewaySettings settings, RequestValidator validator, RequestMapper mapper,
      GatewayBackend backend) {
    this.acquirerId = acquirerId;
    this.settings = settings;
    this.validator = validator;
    this.mapper = mapper;
    this.backend = backend;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, AcquirerRequest request) {
    long start = System.nanoTime();
    long correlation = request.getCorrelationId();
    Operation op = Responses.operation(request);
    if (request.hasHello()) {
      ctx.write(Responses.refusal(correlation, ResultCode.INVALID_REQUEST, "hello", "the session is already open"),
          ctx.voidPromise());
      return;
    }
    RequestValidator.Problem problem = validator.validate(request);
    if (problem != null) {
      ctx.write(new Answer(Responses.refusal(correlation, ResultCode.INVALID_REQUEST, problem.field(),
          problem.reason()), op, start, false), ctx.voidPromise());
      return;
    }
    RequestMapper.Dispatch dispatch = mapper.map(acquirerId, request);
    Duration timeout = dispatch.waitsForIssuer()
        ? settings.issuerTimeout().plus(settings.requestTimeout()) : settings.requestTimeout();
    // The answer is handled on this connection's event loop. The executor must be explicit: the ask's stage
    // runs even plain whenComplete callbacks asynchronously, and without an executor that means the JDK's
    // default, which on a two-core machine is a new thread per callback.
    backend.ask(dispatch.paymentId(), dispatch.command(), timeout).whenCompleteAsync((reply, failure) -> {
      AcquirerResponse response = failure == null
          ? Responses.of(correlation, reply)
          : failure(correlation, dispatch.paymentId(), timeout, failure);
      ctx.writeAndFlush(new Answer(response, op, start, failure == null && reply.replayed()), ctx.voidPromise());
    }, ctx.executor());
  }

  private AcquirerResponse failure(long correlation, String paymentId, Duration timeout, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof AskTimeoutException || cause instanceof TimeoutException) {
      return Responses.refusal(correlation, ResultCode.TIMEOUT, "", "no answer within " + timeout.toMillis()
          + " ms; the operation may still complete: retry with the same request_id to learn its outcome");
    }
    try (var p = MDC.putCloseable("payment_id", paymentId);
        var c = MDC.putCloseable("correlation_id", Long.toString(correlation))) {
      log.error("Request failed inside the switch: {}", cause.toString());
    }
    return Responses.refusal(correlation, ResultCode.SYSTEM_ERROR, "",
        "internal failure; retry with the same request_id");
  }
}
