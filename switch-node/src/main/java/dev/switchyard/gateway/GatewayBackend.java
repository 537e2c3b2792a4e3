package dev.switchyard.gateway;

import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.Reply;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.function.Function;

/** What the gateway's handlers need from the node: a way to ask a payment, and the node's name. */
interface GatewayBackend {

  /** Sends {@code command} to payment {@code paymentId}, wherever it lives; fails after {@code timeout}. */
  CompletionStage<Reply> ask(String paymentId, Function<ActorRef<Reply>, PaymentCommand> command, Duration timeout);

  String nodeName();
}
