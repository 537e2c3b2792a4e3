package dev.switchyard.mirror;

import dev.switchyard.payment.PaymentIds;
import dev.switchyard.persistence.PooledJdbcSession;
import dev.switchyard.persistence.TagSlices;
import dev.switchyard.persistence.quickwit.QuickwitClient;
import dev.switchyard.protocol.v1.PaymentEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import kamon.Kamon;
import kamon.metric.Counter;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal mirror to Quickwit: per tag slice, a grouped at-least-once projection (a sharded daemon process,
 * so once per slice across the cluster) that sends NDJSON batches to the ingest API and commits the slice's
 * offset only after Quickwit accepted the batch.
 *
 * <ul>
 *   <li>429, 503, other 5xx or no answer: the batch is sent again after an exponential backoff with jitter; after
 *       the configured attempts the projection restarts (from its committed offset) with its own backoff.
 *   <li>400 (or 413): the batch is split in halves until the refused document is alone; that one is poison.
 *   <li>Documents Quickwit rejects while accepting the request (parse failures): poison.
 * </ul>
 *
 * Poison is logged with the event's payment id and sequence number, counted
 * ({@code switch_mirror_poison_total{mirror="quickwit"}}) and skipped: it never stalls its slice.
 */
public final class QuickwitMirror {

  private static final Logger log = LoggerFactory.getLogger(QuickwitMirror.class);
  public static final String PROJECTION_NAME = "quickwit-mirror";
  static final Counter POISON = Kamon.counter("switch.mirror.poison", "Events a sink refused for good and the mirror skipped")
      .withTag("mirror", "quickwit");
  /** Events skipped as poison by this node since it started (also in GET /mirrors/quickwit). */
  public static final java.util.concurrent.atomic.AtomicLong POISON_TOTAL = new java.util.concurrent.atomic.AtomicLong();

  private QuickwitMirror() {}

  public static void init(ActorSystem<?> system, QuickwitClient client, DataSource dataSource, TagSlices tags,
      QuickwitSettings.Mirror settings, String node) {
    MirrorDaemons.run(system, PROJECTION_NAME, tags.count(),
        slice -> projection(system, client, dataSource, tags, slice, settings, node));
  }

  private static Projection<EventEnvelope<PaymentEvent>> projection(ActorSystem<?> system, QuickwitClient client,
      DataSource dataSource, TagSlices tags, int slice, QuickwitSettings.Mirror settings, String node) {
    Sender sender = new Sender(system, client, settings);
    return JdbcProjection.<org.apache.pekko.persistence.query.Offset, EventEnvelope<PaymentEvent>, PooledJdbcSession>
            groupedWithinAsync(
            MirrorDaemons.projectionId(PROJECTION_NAME, tags, slice),
            EventSourcedProvider.<PaymentEvent>eventsByTag(system, JdbcReadJournal.Identifier(), tags.tag(slice)),
            () -> new PooledJdbcSession(dataSource),
            () -> new Handler<List<EventEnvelope<PaymentEvent>>>() {
              @Override
              public CompletionStage<Done> process(List<EventEnvelope<PaymentEvent>> envelopes) {
                List<Doc> docs = new ArrayList<>(envelopes.size());
                for (EventEnvelope<PaymentEvent> e : envelopes) {
                  String id = PaymentIds.fromPersistenceId(e.persistenceId());
                  docs.add(new Doc(id, e.sequenceNr(), (QuickwitDocuments.event(id, e.sequenceNr(), e.event(), node)
                      .toString() + "\n").getBytes(StandardCharsets.UTF_8)));
                }
                return sender.send(docs);
              }
            },
            system)
        .withGroup(settings.batchSize(), settings.linger())
        .withRestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);
  }

  /** One document, with what identifies its event. */
  record Doc(String paymentId, long sequenceNr, byte[] line) {}

  /** A retryable answer, as a failure, so that the retry pattern sends the batch again. */
  static final class NotNow extends RuntimeException {
    NotNow(String message) {
      super(message, null, false, false);
    }
  }

  /** Sends batches of documents with the retry, split and poison rules above. */
  static final class Sender {
    private final ActorSystem<?> system;
    private final QuickwitClient client;
    private final QuickwitSettings.Mirror settings;

    Sender(ActorSystem<?> system, QuickwitClient client, QuickwitSettings.Mirror settings) {
      this.system = system;
      this.client = client;
      this.settings = settings;
    }

    CompletionStage<Done> send(List<Doc> docs) {
      // Requests under the size limit, one after the other, in journal order.
      CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
      List<Doc> chunk = new ArrayList<>();
      int bytes = 0;
      for (Doc d : docs) {
        if (!chunk.isEmpty() && bytes + d.line().length > settings.maxBatchBytes()) {
          List<Doc> full = chunk;
          chain = chain.thenCompose(x -> sendChunk(full));
          chunk = new ArrayList<>();
          bytes = 0;
        }
        chunk.add(d);
        bytes += d.line().length;
      }
      List<Doc> last = chunk;
      return last.isEmpty() ? chain : chain.thenCompose(x -> sendChunk(last));
    }

    private CompletionStage<Done> sendChunk(List<Doc> docs) {
      byte[] body = body(docs);
      CompletionStage<QuickwitClient.IngestOutcome> answered = Patterns.retry(
          () -> client.ingest(settings.indexId(), body, settings.commit()).thenApply(outcome -> {
            if (outcome instanceof QuickwitClient.Retry r) {
              throw new NotNow("Quickwit answered " + r.status() + ": " + r.message());
            }
            if (outcome instanceof QuickwitClient.NoSuchIndex n) {
              client.createIndex(settings.indexConfig());
              throw new NotNow(n.message() + "; creating it");
            }
            return outcome;
          }),
          (outcome, failure) -> failure != null && unwrap(failure) instanceof NotNow,
          settings.retryAttempts(), settings.retryMinBackoff(), settings.retryMaxBackoff(), 0.2,
          Adapter.toClassic(system));
      return answered.thenCompose(outcome -> {
        if (outcome instanceof QuickwitClient.Accepted a) {
          if (a.rejected() > 0) {
            POISON.increment(a.rejected());
            POISON_TOTAL.addAndGet(a.rejected());
            log.error("Quickwit rejected {} of {} documents (skipped): {}", a.rejected(), docs.size(), a.failures());
          }
          return CompletableFuture.completedFuture(Done.getInstance());
        }
        QuickwitClient.Refused refused = (QuickwitClient.Refused) outcome;
        if (docs.size() > 1) {
          List<Doc> first = docs.subList(0, docs.size() / 2);
          List<Doc> second = docs.subList(docs.size() / 2, docs.size());
          return sendChunk(first).thenCompose(x -> sendChunk(second));
        }
        Doc poison = docs.get(0);
        POISON.increment();
        POISON_TOTAL.incrementAndGet();
        log.error("Quickwit refused the event {} #{} ({}: {}); skipped", poison.paymentId(), poison.sequenceNr(),
            refused.status(), refused.message());
        return CompletableFuture.completedFuture(Done.getInstance());
      });
    }

    private static byte[] body(List<Doc> docs) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      docs.forEach(d -> out.writeBytes(d.line()));
      return out.toByteArray();
    }

    private static Throwable unwrap(Throwable t) {
      while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
        t = t.getCause();
      }
      return t;
    }
  }
}
