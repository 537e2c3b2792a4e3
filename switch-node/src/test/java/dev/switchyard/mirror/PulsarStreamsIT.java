package dev.switchyard.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.persistence.pulsar.PulsarRecord;
import dev.switchyard.persistence.pulsar.PulsarStreams;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Pekko Streams stages around the Pulsar client, against a real broker. */
@ExtendWith(SharedPulsarBroker.class)
class PulsarStreamsIT {

  static final ActorTestKit kit = ActorTestKit.create();
  static PulsarClient client;
  static PulsarBroker broker;

  @BeforeAll
  static void start(PulsarBroker shared) throws Exception {
    broker = shared;
    client = shared.client();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    kit.shutdownTestKit();
  }

  static String topic() {
    return "persistent://public/default/streams-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void recordsPublishedByTheFlowAreConsumedByTheSourceInOrderPerKey() throws Exception {
    String topic = topic();
    var consumer = PulsarStreams.consumer(() -> client.newConsumer().topic(topic).subscriptionName("s")
        .subscriptionType(SubscriptionType.Key_Shared)
        .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribeAsync());
    int count = 1_000;
    List<Pair<PulsarRecord, Integer>> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(Pair.create(PulsarRecord.of("key-" + (i % 7),
          Integer.toString(i).getBytes(StandardCharsets.UTF_8), Map.of("i", Integer.toString(i))), i));
    }
    List<Pair<MessageId, Integer>> sent = Source.from(records)
        .via(PulsarStreams.<Integer>producer(() -> client.newProducer().topic(topic)
            .batcherBuilder(BatcherBuilder.KEY_BASED).createAsync(), 16))
        .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
    // Every record acknowledged, in the order it went in, each with its context.
    assertThat(sent).extracting(Pair::second).containsExactlyElementsOf(records.stream().map(Pair::second).toList());

    // Acknowledge before take: take cancels the source once it has its last element, which closes the consumer,
    // and an acknowledgement still to be sent after that fails with "consumer not ready".
    List<PulsarStreams.Received> received = consumer
        .mapAsync(4, r -> r.acknowledge().thenApply(v -> r))
        .take(count)
        .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
    Map<String, Integer> lastPerKey = new HashMap<>();
    for (PulsarStreams.Received r : received) {
      int i = Integer.parseInt(new String(r.message().getValue(), StandardCharsets.UTF_8));
      assertThat(r.message().getProperty("i")).isEqualTo(Integer.toString(i));
      Integer last = lastPerKey.put(r.message().getKey(), i);
      assertThat(last == null || last < i).as("order of key %s", r.message().getKey()).isTrue();
    }
    assertThat(lastPerKey).hasSize(7);
  }

  @Test
  void aProducerThatCannotBeCreatedFailsTheStream() {
    // No such tenant: the broker refuses the producer, and the stream must say so rather than hang.
    CompletableFuture<?> run = Source.single(Pair.create(PulsarRecord.of("k", new byte[] {1}, Map.of()), 0))
        .via(PulsarStreams.<Integer>producer(() -> client.newProducer()
            .topic("persistent://no-such-tenant/ns/t").createAsync(), 4))
        .runWith(Sink.seq(), kit.system()).toCompletableFuture();
    assertThatThrownBy(() -> run.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
  }

  @Test
  void cancellingTheSourceClosesItsConsumer() throws Exception {
    String topic = topic();
    client.newProducer().topic(topic).create().send(new byte[] {42});
    PulsarStreams.consumer(() -> client.newConsumer().topic(topic).subscriptionName("closing")
            .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribeAsync())
        .take(1)
        .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    ObjectMapper json = new ObjectMapper();
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(200), () -> {
      var stats = json.readTree(broker.admin("/admin/v2/" + topic.replace("://", "/") + "/stats"));
      assertThat(stats.get("subscriptions").get("closing").get("consumers")).isEmpty();
      return null;
    });
  }
}
