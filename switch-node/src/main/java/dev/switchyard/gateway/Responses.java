package dev.switchyard.gateway;

import dev.switchyard.payment.Reply;
import dev.switchyard.payment.ResultCodes;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import dev.switchyard.gateway.GatewayStats.Operation;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

/** The answers the gateway writes: a payment's reply on the wire, refusals, and a last word before closing. */
final class Responses {

  private Responses() {}

  /** A payment's reply as the acquirer sees it: the outcome mapped to the wire's result code. */
  static AcquirerResponse of(long correlation, Reply reply) {
    AcquirerResponse.Builder b = AcquirerResponse.newBuilder()
        .setCorrelationId(correlation)
        .setResult(ResultCodes.toWire(reply.outcome()))
        .setField(reply.field())
        .setReason(reply.reason());
    if (reply.payment() != null) {
      b.setPayment(reply.payment());
    }
    return b.build();
  }

  static AcquirerResponse refusal(long correlation, ResultCode code, String field, String reason) {
    return AcquirerResponse.newBuilder()
        .setCorrelationId(correlation).setResult(code).setField(field).setReason(reason).build();
  }

  /** A RATE_LIMITED refusal that says when to try again. */
  static AcquirerResponse rateLimited(long correlation, String field, String reason, long retryAfterMillis) {
    return AcquirerResponse.newBuilder().setCorrelationId(correlation).setResult(ResultCode.RATE_LIMITED)
        .setField(field).setReason(reason + "; retry after " + retryAfterMillis + " ms")
        .setRetryAfterMs((int) Math.min(Integer.MAX_VALUE, retryAfterMillis)).build();
  }

  /**
   * Writes a last answer, then closes this connection only. A connection whose answers are not being read gets
   * none: it is closed at once, since a last write would wait for a reader that never comes.
   */
  static void closeWith(ChannelHandlerContext ctx, AcquirerResponse response) {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (ctx.channel().isWritable()) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  static Operation operation(AcquirerRequest request) {
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
}
