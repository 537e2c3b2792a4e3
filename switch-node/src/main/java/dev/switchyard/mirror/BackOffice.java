package dev.switchyard.mirror;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchyard.payment.Money;
import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.PaymentEntity;
import dev.switchyard.payment.Reply;
import dev.switchyard.payment.ResultCodes;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.persistence.pulsar.PulsarRecord;
import dev.switchyard.persistence.pulsar.PulsarStreams;
import dev.switchyard.persistence.pulsar.PulsarStreams.Received;
import dev.switchyard.protocol.v1.DisputeCommand;
import dev.switchyard.protocol.v1.DisputeReply;
import dev.switchyard.protocol.v1.ResultCode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Back-office dispute commands from Pulsar. Every node consumes the command topic on one Key_Shared
 * subscription (key = payment id, so one payment's commands reach one consumer at a time, in order), turns each
 * {@link DisputeCommand} into an entity command, and publishes the outcome as a {@link DisputeReply} on the reply
 * topic, keyed by payment id and carrying the command's request id. The command is acknowledged only after its
 * reply (or dead letter) was; a command whose outcome is unknown (no answer in time) is negatively acknowledged
 * and comes again, which is safe because the payment answers a repeated request id with its first outcome.
 *
 * <p>A message that is not a DisputeCommand, or one that is not valid, goes to the dead-letter topic with the
 * reason in its properties ({@code reason}, {@code field}) and is acknowledged: it never blocks the stream. A
 * valid-looking command with a request id also gets an INVALID_REQUEST reply, so its sender is not left waiting.
 */
public final class BackOffice {

  private static final Logger log = LoggerFactory.getLogger(BackOffice.class);

  private final ActorSystem<?> system;
  private final PulsarSettings.Commands settings;
  private final Executor executor;

  private BackOffice(ActorSystem<?> system, PulsarSettings.Commands settings) {
    this.system = system;
    this.settings = settings;
    this.executor = system.executionContext();
  }

  /** Starts consuming; stops with the node's coordinated shutdown, before the cluster is left. */
  public static void start(ActorSystem<?> system, PulsarClient client, PulsarSettings.Commands settings) {
    BackOffice office = new BackOffice(system, settings);
    RestartSettings restart = RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);
    Pair<UniqueKillSwitch, CompletionStage<Done>> running = RestartSource.withBackoff(restart,
            () -> office.stream(client))
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
    CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(), "stop-back-office-consumer", () -> {
          running.first().shutdown();
          return running.second().exceptionally(failure -> Done.getInstance());
        });
  }

  private Source<Done, ?> stream(PulsarClient client) {
    CompletionStage<Pair<Producer<byte[]>, Producer<byte[]>>> producers =
        producer(client, settings.replyTopic()).thenCombine(producer(client, settings.deadLetterTopic()), Pair::create);
    return Source.completionStage(producers).flatMapConcat(p ->
        PulsarStreams.consumer(() -> client.newConsumer()
                .topic(settings.topic())
                .subscriptionName(settings.subscription())
                .subscriptionType(SubscriptionType.Key_Shared)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                .negativeAckRedeliveryDelay(5, TimeUnit.SECONDS)
                .subscribeAsync())
            .mapAsync(settings.parallelism(), received -> handle(received, p.first(), p.second()))
            .watchTermination((notUsed, done) -> {
              done.whenComplete((d, failure) -> {
                p.first().closeAsync();
                p.second().closeAsync();
              });
              return notUsed;
            }));
  }

  private static CompletableFuture<Producer<byte[]>> producer(PulsarClient client, String topic) {
    return client.newProducer().topic(topic).enableBatching(false).sendTimeout(0, TimeUnit.SECONDS).createAsync();
  }

  private CompletionStage<Done> handle(Received received, Producer<byte[]> replies, Producer<byte[]> deadLetters) {
    byte[] body = received.message().getValue();
    DisputeCommand command;
    try {
      command = DisputeCommand.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      return deadLetter(received, deadLetters, "message", "not a DisputeCommand: " + e.getMessage(), null, null);
    }
    Refusal refusal = validate(command);
    if (refusal != null) {
      // A command with a request id also gets a refusal as its reply, so its sender is not left waiting.
      return deadLetter(received, deadLetters, refusal.field(), refusal.reason(),
          command.getRequestId().isEmpty() ? null : command, replies);
    }
    return ClusterSharding.get(system)
        .entityRefFor(PaymentEntity.ENTITY_KEY, command.getPaymentId())
        .ask(toEntityCommand(command), settings.timeout())
        .thenComposeAsync(reply -> reply(replies, command, reply)
            .thenCompose(id -> received.acknowledge())
            .thenApply(v -> Done.getInstance()), executor)
        .exceptionallyAsync(failure -> {
          // No answer in time, or the reply could not be published: the outcome is unknown to the sender.
          // Deliver the command again later; the payment answers a repeated request id with its first outcome.
          log.warn("Dispute command {} for {} not answered ({}); it will be redelivered",
              command.getRequestId(), command.getPaymentId(), failure.toString());
          received.negativeAcknowledge();
          return Done.getInstance();
        }, executor);
  }

  private CompletionStage<org.apache.pulsar.client.api.MessageId> reply(
      Producer<byte[]> replies, DisputeCommand command, Reply reply) {
    DisputeReply.Builder answer = DisputeReply.newBuilder()
        .setRequestId(command.getRequestId())
        .setResult(ResultCodes.toWire(reply.outcome()))
        .setField(reply.field())
        .setReason(reply.reason());
    if (reply.payment() != null) {
      answer.setPayment(reply.payment());
    }
    return PulsarStreams.send(replies, PulsarRecord.of(command.getPaymentId(), answer.build().toByteArray(),
        Map.of("request_id", command.getRequestId())));
  }

  private CompletionStage<Done> deadLetter(Received received, Producer<byte[]> deadLetters, String field,
      String reason, DisputeCommand refused, Producer<byte[]> replies) {
    var message = received.message();
    String key = message.hasKey() ? message.getKey() : "";
    log.warn("Back-office message {} to the dead-letter topic: {} ({})", message.getMessageId(), reason, field);
    CompletionStage<?> refusal = refused == null ? CompletableFuture.completedFuture(null)
        : PulsarStreams.send(replies, PulsarRecord.of(refused.getPaymentId(), DisputeReply.newBuilder()
                .setRequestId(refused.getRequestId())
                .setResult(ResultCode.INVALID_REQUEST)
                .setField(field)
                .setReason(reason)
                .build().toByteArray(),
            Map.of("request_id", refused.getRequestId())));
    CompletionStage<?> dead = PulsarStreams.send(deadLetters, PulsarRecord.of(key, message.getValue(),
        Map.of("reason", reason, "field", field, "source_topic", message.getTopicName(),
            "source_message_id", message.getMessageId().toString())));
    return refusal.thenCombine(dead, (a, b) -> b)
        .thenCompose(sent -> received.acknowledge())
        .thenApply(v -> Done.getInstance());
  }

  /** Why a command is refused, and which field; null when it is valid. */
  public record Refusal(String field, String reason) {}

  /** Why {@code c} is refused, or null: the checks of every dispute command, from Pulsar or an operator. */
  public static Refusal validate(DisputeCommand c) {
    if (c.getRequestId().isEmpty() || c.getRequestId().length() > 64) {
      return new Refusal("request_id", "required, at most 64 characters");
    }
    if (!PaymentIds.isWellFormed(c.getPaymentId())) {
      return new Refusal("payment_id", "not a payment id: pay_ followed by 32 lower-case hex digits");
    }
    if (c.getDisputeId().isEmpty() || c.getDisputeId().length() > 64) {
      return new Refusal("dispute_id", "required, at most 64 characters");
    }
    switch (c.getActionCase()) {
      case OPEN -> {
        var open = c.getOpen();
        if (open.getAmount().getMinorUnits() <= 0) {
          return new Refusal("open.amount.minor_units", "must be positive");
        }
        try {
          Money.fromProto(open.getAmount());
        } catch (IllegalArgumentException e) {
          return new Refusal("open.amount.currency", "not an ISO 4217 currency code");
        }
        if (open.getReasonCode().isEmpty()) {
          return new Refusal("open.reason_code", "required");
        }
        if (open.getRespondWithinDays() < 0) {
          return new Refusal("open.respond_within_days", "must not be negative");
        }
      }
      case PRE_ARBITRATION -> {
        if (c.getPreArbitration().getReasonCode().isEmpty()) {
          return new Refusal("pre_arbitration.reason_code", "required");
        }
        if (c.getPreArbitration().getRespondWithinDays() < 0) {
          return new Refusal("pre_arbitration.respond_within_days", "must not be negative");
        }
      }
      case ACTION_NOT_SET -> {
        return new Refusal("action", "no action, or one this switch does not know");
      }
      default -> {
        // evidence, accept, won, lost: nothing more to check
      }
    }
    return null;
  }

  /** The payment's command for a valid {@code c}. */
  public static org.apache.pekko.japi.function.Function<ActorRef<Reply>, PaymentCommand> toEntityCommand(
      DisputeCommand c) {
    String request = c.getRequestId();
    String dispute = c.getDisputeId();
    return switch (c.getActionCase()) {
      case OPEN -> r -> new PaymentCommand.OpenDispute(request, dispute, Money.fromProto(c.getOpen().getAmount()),
          c.getOpen().getReasonCode(), c.getOpen().getRespondWithinDays(), r);
      case EVIDENCE -> r -> new PaymentCommand.SubmitDisputeEvidence(request, dispute,
          c.getEvidence().getEvidenceRef(), r);
      case ACCEPT -> r -> new PaymentCommand.AcceptDispute(request, dispute, r);
      case WON -> r -> new PaymentCommand.DecideDispute(request, dispute, true, r);
      case LOST -> r -> new PaymentCommand.DecideDispute(request, dispute, false, r);
      case PRE_ARBITRATION -> r -> new PaymentCommand.PreArbitrate(request, dispute,
          c.getPreArbitration().getReasonCode(), c.getPreArbitration().getRespondWithinDays(), r);
      case ACTION_NOT_SET -> throw new IllegalArgumentException("no action");
    };
  }
}
