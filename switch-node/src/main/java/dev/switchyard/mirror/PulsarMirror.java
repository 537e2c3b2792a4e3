package dev.switchyard.mirror;

import dev.switchyard.payment.PaymentIds;
import dev.switchyard.persistence.EventTypes;
import dev.switchyard.persistence.PooledJdbcSession;
import dev.switchyard.persistence.TagSlices;
import dev.switchyard.persistence.pulsar.PulsarRecord;
import dev.switchyard.persistence.pulsar.PulsarStreams;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PublishedEvent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionContext;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.apache.pekko.stream.javadsl.FlowWithContext;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.HashingScheme;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal mirror to Pulsar: one at-least-once projection per tag slice, run as a sharded daemon process (so
 * a cluster mirrors each slice exactly once at a time, and the slice moves when its node leaves). Each event is
 * published as a {@link PublishedEvent} with key = payment id and event time = journal write time; the slice's
 * offset is committed in the journal database only after the broker acknowledged.
 *
 * <p>Deduplication: each slice publishes under a stable producer name and uses the journal offset as the Pulsar
 * sequence id, so after a crash the broker drops what it already has. A rewind starts a new epoch (a new
 * producer name) so that the replay is published.
 */
public final class PulsarMirror {

  public static final String PROJECTION_NAME = "pulsar-mirror";
  private static final Logger log = LoggerFactory.getLogger(PulsarMirror.class);

  private PulsarMirror() {}

  public static void init(ActorSystem<?> system, PulsarClient client, DataSource dataSource, TagSlices tags,
      PulsarSettings.Mirror settings) {
    MirrorOffsets offsets = new MirrorOffsets(dataSource);
    MirrorDaemons.run(system, PROJECTION_NAME, tags.count(),
        slice -> projection(system, client, dataSource, offsets, tags, slice, settings));
  }

  private static Projection<EventEnvelope<PaymentEvent>> projection(ActorSystem<?> system, PulsarClient client,
      DataSource dataSource, MirrorOffsets offsets, TagSlices tags, int slice, PulsarSettings.Mirror settings) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    FlowWithContext<EventEnvelope<PaymentEvent>, ProjectionContext, Done, ProjectionContext, ?> publish =
        FlowWithContext.<EventEnvelope<PaymentEvent>, ProjectionContext>create()
            .map(envelope -> record(envelope, slice))
            .via(FlowWithContext.fromPairs(PulsarStreams.<ProjectionContext>producer(
                () -> offsets.onBlocking(blocking, o -> o.epoch(PROJECTION_NAME, slice))
                    .thenCompose(epoch -> producer(client, settings, slice, epoch))
                    .thenCompose(p -> checkedAgainstJournal(p, client, offsets, tags, slice, settings, blocking)),
                settings.maxPendingSends())))
            .map(messageId -> Done.getInstance());
    return JdbcProjection.atLeastOnceFlow(
            MirrorDaemons.projectionId(PROJECTION_NAME, tags, slice),
            EventSourcedProvider.<PaymentEvent>eventsByTag(system, JdbcReadJournal.Identifier(), tags.tag(slice)),
            () -> new PooledJdbcSession(dataSource),
            publish,
            system)
        .withSaveOffset(settings.saveOffsetAfterEnvelopes(), settings.saveOffsetAfterDuration())
        .withRestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);
  }

  /**
   * A broker that already has a higher sequence id under this producer name than any offset of the journal has
   * seen another journal: this one was recreated or restored from a backup. Deduplication would then drop every
   * event up to that sequence id without a word. So the slice starts a new epoch (a new producer name) and
   * publishes; consumers drop what they already have by payment id + sequence nr.
   */
  private static CompletionStage<Producer<byte[]>> checkedAgainstJournal(Producer<byte[]> producer,
      PulsarClient client, MirrorOffsets offsets, TagSlices tags, int slice, PulsarSettings.Mirror settings,
      Executor blocking) {
    return offsets.onBlocking(blocking, o -> o.journalMax(tags.tag(slice))).thenCompose(journalMax -> {
      long brokerLast = producer.getLastSequenceId();
      if (brokerLast <= journalMax) {
        return CompletableFuture.completedFuture(producer);
      }
      log.error("Pulsar already has sequence id {} from producer {}, beyond this journal's last offset {} for slice"
          + " {}: the journal was recreated or restored. Starting a new epoch so that its events are published"
          + " rather than dropped as duplicates.", brokerLast, producer.getProducerName(), journalMax, slice);
      return producer.closeAsync()
          .thenCompose(v -> offsets.onBlocking(blocking, o -> o.nextEpoch(PROJECTION_NAME, slice)))
          .thenCompose(epoch -> producer(client, settings, slice, epoch))
          // The new name may have a history too (rewinds of the old journal): check again.
          .thenCompose(next -> checkedAgainstJournal(next, client, offsets, tags, slice, settings, blocking));
    });
  }

  /** The producer name of a slice in an epoch; stable across restarts, so the broker can deduplicate. */
  public static String producerName(PulsarSettings.Mirror settings, int slice, int epoch) {
    return settings.producerNamePrefix() + "-" + slice + (epoch == 0 ? "" : "-e" + epoch);
  }

  private static CompletionStage<Producer<byte[]>> producer(
      PulsarClient client, PulsarSettings.Mirror settings, int slice, int epoch) {
    return client.newProducer()
        .topic(settings.topic())
        .producerName(producerName(settings, slice, epoch))
        // Key-based batches, so Key_Shared consumers keep per-payment order; same hash in every language.
        .enableBatching(true)
        .batcherBuilder(BatcherBuilder.KEY_BASED)
        .batchingMaxPublishDelay(1, TimeUnit.MILLISECONDS)
        .hashingScheme(HashingScheme.Murmur3_32Hash)
        // Never give up on a send (deduplication makes the client's resends safe); the stage's bound on
        // outstanding sends is the backpressure.
        .sendTimeout(0, TimeUnit.SECONDS)
        .blockIfQueueFull(true)
        .createAsync();
  }

  /** The published form of one journal event. */
  static PulsarRecord record(EventEnvelope<PaymentEvent> envelope, int slice) {
    PaymentEvent event = envelope.event();
    String paymentId = PaymentIds.fromPersistenceId(envelope.persistenceId());
    long offset = ((Sequence) envelope.offset()).value();
    PublishedEvent.Builder published = PublishedEvent.newBuilder()
        .setPaymentId(paymentId)
        .setSequenceNr(envelope.sequenceNr())
        .setEventTimeMillis(envelope.timestamp())
        .setAcquirerId(event.getAcquirerId())
        .setEventType(EventTypes.of(event))
        .setEvent(event)
        .setSlice(slice);
    Map<String, String> properties = new java.util.HashMap<>(Map.of("sequence_nr",
        Long.toString(envelope.sequenceNr()), "event_type", EventTypes.of(event)));
    if (event.hasRiskAssessed()) {
      // On the envelope and as message properties, so consumers can route on a decision without parsing it.
      published.setRiskDecision(event.getRiskAssessed().getDecision()).setRiskScore(event.getRiskAssessed().getScore());
      properties.put("risk_decision", event.getRiskAssessed().getDecision().name());
      properties.put("risk_score", Integer.toString(event.getRiskAssessed().getScore()));
    }
    return new PulsarRecord(paymentId, published.build().toByteArray(), envelope.timestamp(), offset,
        Map.copyOf(properties));
  }
}
