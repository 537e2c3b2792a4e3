package dev.switchyard.gateway;

import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * What an authenticated connection lets in: nothing while the node drains (SHUTTING_DOWN), nothing beyond the
 * acquirer's request rate on this node (RATE_LIMITED, with when to retry), at most switch.gateway.max-in-flight
 * requests on this connection and max-in-flight-per-node on the node, an authorization (a new payment) only while
 * fewer than new-payment-share of either are taken, so that under overload the payments already let in can be
 * captured, voided or refunded (beyond the limits OVERLOADED at once, nothing done). Frees a request's slot when
 * its {@link Answer} goes out, and records it in the stats. Stops reading a connection whose answers are not read
 * (outbound buffer above the high water mark) and reads again below the low one, so a client that sends and never
 * reads costs a bounded amount of memory.
 */
final class AdmissionHandler extends ChannelDuplexHandler {

  private final String acquirerId;
  private final GatewaySettings settings;
  private final NodeLoad node;
  private final GatewayStats stats;
  private final AcquirerLimits limits;
  private int inFlight;
  private boolean paused;

  AdmissionHandler(String acquirerId, GatewaySettings settings, NodeLoad node, GatewayStats stats,
      AcquirerLimits limits) {
    this.acquirerId = acquirerId;
    this.limits = limits;
    this.settings = settings;
    this.node = node;
    this.stats = stats;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    GatewayMetrics.connections(acquirerId).increment();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    GatewayMetrics.connections(acquirerId).decrement();
    if (paused) {
      GatewayMetrics.PAUSED.decrement();
    }
    // Answers still to come find no slot to free: the connection's slots are the node's again.
    for (; inFlight > 0; inFlight--) {
      node.done();
      GatewayMetrics.IN_FLIGHT.decrement();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof AcquirerRequest request) || request.hasHello()) {
      ctx.fireChannelRead(msg);
      return;
    }
    long wait;
    if (node.draining()) {
      refuse(ctx, request, ResultCode.SHUTTING_DOWN, "this node is shutting down; reconnect to another node");
    } else if ((wait = limits.refuseRequestFor(acquirerId)) > 0) {
      refuse(ctx, request, Responses.rateLimited(request.getCorrelationId(), "",
          "more than " + limits.requestLimit(acquirerId) + " for this acquirer on this node", wait));
    } else if (inFlight >= (request.hasAuthorize() ? settings.maxNewPaymentsInFlightPerConnection()
        : settings.maxInFlight())) {
      refuse(ctx, request, ResultCode.OVERLOADED, request.hasAuthorize()
          ? "more than " + settings.maxNewPaymentsInFlightPerConnection() + " new payments in flight on this connection"
          : "more than " + settings.maxInFlight() + " requests in flight on this connection");
    } else if (!node.tryAdmit(
        request.hasAuthorize() ? settings.maxNewPaymentsInFlight() : settings.maxInFlightPerNode())) {
      // Shed load before it queues behind the journal, new payments first (docs/operations.md, "Overload").
      refuse(ctx, request, ResultCode.OVERLOADED, request.hasAuthorize()
          ? "more than " + settings.maxNewPaymentsInFlight() + " new payments in flight on this node; retry later"
          : "more than " + settings.maxInFlightPerNode() + " requests in flight on this node; retry later");
    } else {
      inFlight++;
      GatewayMetrics.IN_FLIGHT.increment();
      ctx.fireChannelRead(request);
    }
  }

  private void refuse(ChannelHandlerContext ctx, AcquirerRequest request, ResultCode code, String reason) {
    refuse(ctx, request, Responses.refusal(request.getCorrelationId(), code, "", reason));
  }

  private void refuse(ChannelHandlerContext ctx, AcquirerRequest request, AcquirerResponse refusal) {
    stats.record(Responses.operation(request), acquirerId, refusal, 0, false);
    ctx.write(refusal, ctx.voidPromise());
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof Answer answer) {
      if (inFlight > 0) {
        inFlight--;
        node.done();
        GatewayMetrics.IN_FLIGHT.decrement();
      }
      stats.record(answer.op(), acquirerId, answer.response(), System.nanoTime() - answer.startNanos(),
          answer.replayed());
      ctx.write(answer.response(), promise);
    } else {
      ctx.write(msg, promise);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    boolean writable = ctx.channel().isWritable();
    if (paused == writable) {
      paused = !writable;
      ctx.channel().config().setAutoRead(writable);
      if (paused) {
        GatewayMetrics.PAUSED.increment();
      } else {
        GatewayMetrics.PAUSED.decrement();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && inFlight == 0) {
      Responses.closeWith(ctx, Responses.refusal(0, ResultCode.TIMEOUT, "connection",
          "idle for " + settings.idleTimeout().toMillis() + " ms"));
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  /** Requests of this connection waiting for their answer. */
  int inFlight() {
    return inFlight;
  }

  boolean paused() {
    return paused;
  }
}
