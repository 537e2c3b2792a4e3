package dev.switchyard.persistence.pulsar;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/**
 * Pekko Streams stages around the official Pulsar Java client (there is no Pekko Connectors module for Pulsar).
 *
 * <ul>
 *   <li>{@link #producer}: a flow that publishes each element and emits it with its {@link MessageId} once the
 *       broker has acknowledged it. At most {@code parallelism} sends are outstanding, so a slow or absent
 *       broker backpressures upstream instead of filling a queue; a failed send fails the stream.
 *   <li>{@link #consumer}: a source of received messages, pulled from the client only on demand; the client's
 *       own receiver queue is the only buffer. Each element carries its consumer so downstream can acknowledge.
 * </ul>
 *
 * Both create their client object when the stream materializes and close it when the stream ends, whichever
 * way it ends.
 */
public final class PulsarStreams {

  private PulsarStreams() {}

  /** A received message with the consumer that must acknowledge it. */
  public record Received(Consumer<byte[]> consumer, Message<byte[]> message) {
    public CompletionStage<Void> acknowledge() {
      return consumer.acknowledgeAsync(message.getMessageId());
    }

    public void negativeAcknowledge() {
      consumer.negativeAcknowledge(message);
    }
  }

  /**
   * Publishes records, keeping a context next to each (a projection's offset, say): elements leave in the order
   * they came, each only after its own send was acknowledged.
   */
  public static <C> Flow<Pair<PulsarRecord, C>, Pair<MessageId, C>, NotUsed> producer(
      Supplier<CompletionStage<Producer<byte[]>>> create, int parallelism) {
    return Flow.<Pair<PulsarRecord, C>>create()
        .via(Flow.lazyCompletionStageFlow(() -> create.get().thenApply(producer ->
            Flow.<Pair<PulsarRecord, C>>create()
                .<Pair<MessageId, C>>mapAsync(parallelism, in ->
                    send(producer, in.first()).thenApply(id -> Pair.create(id, in.second())))
                .watchTermination((notUsed, done) -> {
                  done.whenComplete((d, failure) -> producer.closeAsync());
                  return notUsed;
                }))))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /** Sends one record; the stage completes when the broker acknowledged it. */
  public static CompletableFuture<MessageId> send(Producer<byte[]> producer, PulsarRecord record) {
    TypedMessageBuilder<byte[]> message = producer.newMessage().key(record.key()).value(record.value());
    if (record.eventTimeMillis() > 0) {
      message.eventTime(record.eventTimeMillis());
    }
    if (record.sequenceId() != PulsarRecord.NO_SEQUENCE_ID) {
      message.sequenceId(record.sequenceId());
    }
    if (!record.properties().isEmpty()) {
      message.properties(record.properties());
    }
    return message.sendAsync();
  }

  /** Receives messages on demand from the consumer that {@code create} subscribes. */
  public static Source<Received, NotUsed> consumer(Supplier<CompletionStage<Consumer<byte[]>>> create) {
    return Source.unfoldResourceAsync(
        create::get,
        consumer -> consumer.receiveAsync().thenApply(m -> Optional.of(new Received(consumer, m))),
        consumer -> consumer.closeAsync().thenApply(v -> Done.getInstance()));
  }
}
