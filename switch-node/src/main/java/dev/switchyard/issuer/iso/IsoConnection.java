package dev.switchyard.issuer.iso;

import com.solab.iso8583.IsoMessage;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One TCP connection of a link, from the switch's side: signs on (0800, 001) before it carries anything, then
 * sends requests and matches each response to its request by STAN (field 11), failing a request whose response
 * does not come by its deadline. Sends an echo (0800, 301) when the connection has been idle, answers the
 * issuer's own network messages, and fails every pending request when it closes. Everything runs on the
 * connection's event loop.
 */
final class IsoConnection extends SimpleChannelInboundHandler<IsoMessage> {

  /** What the link learns from its connections. */
  interface Events {
    void ready(IsoConnection connection);

    void closed(IsoConnection connection);

    /** A response that matches no request in flight: a late answer, or a STAN the switch never sent. */
    void unmatched(IsoMessage response);

    /** Something the link does not accept from an issuer; the connection is closed when it cannot go on. */
    void protocolError(String what);
  }

  private record Pending(CompletableFuture<IsoMessage> answer, ScheduledFuture<?> deadline) {}

  private final StanSequence stans;
  private final Clock clock;
  private final Duration signOnTimeout;
  private final Events events;
  private final Map<String, Pending> pending = new HashMap<>();
  private Channel channel;
  private volatile boolean ready;

  IsoConnection(StanSequence stans, Clock clock, Duration signOnTimeout, Events events) {
    this.stans = stans;
    this.clock = clock;
    this.signOnTimeout = signOnTimeout;
    this.events = events;
  }

  boolean ready() {
    return ready;
  }

  boolean isOn(Channel ch) {
    return ch == channel;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    request(IsoMessages.network(IsoMessages.SIGN_ON, stans.next(), clock.instant()), signOnTimeout)
        .whenComplete((answer, failure) -> {
          if (failure == null && "00".equals(IsoMessages.get(answer, 39))) {
            ready = true;
            events.ready(this);
          } else {
            events.protocolError(failure == null
                ? "sign-on refused with response code " + IsoMessages.get(answer, 39) : "no answer to the sign-on");
            ctx.close();
          }
        });
    ctx.fireChannelActive();
  }

  /** Sends {@code request} (its STAN set) and completes with the response, or fails by {@code deadline}. */
  CompletableFuture<IsoMessage> request(IsoMessage request, Duration deadline) {
    CompletableFuture<IsoMessage> answer = new CompletableFuture<>();
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      answer.completeExceptionally(LinkFailure.notSent("the connection is closed"));
      return answer;
    }
    ch.eventLoop().execute(() -> {
      String stan = IsoMessages.get(request, 11);
      if (stan == null || pending.containsKey(stan)) {
        answer.completeExceptionally(new IllegalArgumentException("a request needs a STAN not in flight"));
        return;
      }
      ScheduledFuture<?> timer = ch.eventLoop().schedule(() -> {
        if (pending.remove(stan) != null) {
          answer.completeExceptionally(new TimeoutException("no response by the deadline"));
        }
      }, deadline.toMillis(), TimeUnit.MILLISECONDS);
      pending.put(stan, new Pending(answer, timer));
      ch.writeAndFlush(request).addListener(written -> {
        if (!written.isSuccess() && pending.remove(stan) != null) {
          timer.cancel(false);
          answer.completeExceptionally(new LinkFailure("the request could not be written"));
        }
      });
    });
    return answer;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, IsoMessage message) {
    int type = message.getType();
    if (IsoMessages.isResponse(type)) {
      Pending p = pending.remove(String.valueOf(IsoMessages.get(message, 11)));
      if (p == null) {
        events.unmatched(message);
      } else {
        p.deadline().cancel(false);
        p.answer().complete(message);
      }
    } else if (type == IsoMessages.NETWORK) {
      ctx.writeAndFlush(IsoMessages.response(message, "00"));
    } else {
      events.protocolError("a request of type " + IsoMessages.type(message) + " from the issuer");
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent && ready) {
      request(IsoMessages.network(IsoMessages.ECHO, stans.next(), clock.instant()), signOnTimeout)
          .whenComplete((answer, failure) -> {
            if (failure != null) {
              events.protocolError("no answer to an echo");
              ctx.close();
            }
          });
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  /** Signs off (best effort) and closes. */
  void signOff() {
    Channel ch = channel;
    if (ch != null && ch.isActive() && ready) {
      ready = false;
      request(IsoMessages.network(IsoMessages.SIGN_OFF, stans.next(), clock.instant()), signOnTimeout)
          .whenComplete((answer, failure) -> ch.close());
    } else if (ch != null) {
      ch.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ready = false;
    List<Pending> failed = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending p : failed) {
      p.deadline().cancel(false);
      p.answer().completeExceptionally(new LinkFailure("the connection closed before the response"));
    }
    events.closed(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    events.protocolError(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    ctx.close();
  }
}
