package dev.switchyard.payment;

import dev.switchyard.payment.PaymentCommand.Get;
import dev.switchyard.payment.PaymentCommand.RequestCommand;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.internal.InternalProtocol;

/**
 * A payment stashes commands while it writes to the journal or waits for an increment's answer, up to
 * {@code pekko.persistence.typed.stash-capacity}; beyond it Pekko drops the command and publishes it as
 * {@link Dropped}. This answers every dropped request and read with {@link Outcome#OVERLOADED} (nothing was
 * done), so its caller learns at once instead of waiting for its timeout.
 */
final class StashOverflow {

  private StashOverflow() {}

  static void start(ActorSystem<?> system) {
    ActorRef<Dropped> answerer = system.systemActorOf(behavior(), "payment-stash-overflow", Props.empty());
    system.eventStream().tell(new EventStream.Subscribe<>(Dropped.class, answerer));
  }

  static Behavior<Dropped> behavior() {
    return Behaviors.receive(Dropped.class)
        .onMessage(Dropped.class, dropped -> {
          Object message = command(dropped.message());
          ActorRef<Reply> replyTo = message instanceof RequestCommand r ? r.replyTo()
              : message instanceof Get g ? g.replyTo() : null;
          if (replyTo != null) {
            replyTo.tell(Reply.of(Outcome.OVERLOADED, "",
                "too many requests are waiting for this payment; nothing was done, retry later", null));
          }
          return Behaviors.same();
        })
        .build();
  }

  /** The command inside what was dropped: an event sourced behavior stashes commands in an envelope of its own. */
  private static Object command(Object dropped) {
    return dropped instanceof InternalProtocol.IncomingCommand<?> incoming ? incoming.c() : dropped;
  }
}
