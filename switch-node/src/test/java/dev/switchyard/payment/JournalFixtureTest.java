package dev.switchyard.payment;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentReply;
import dev.switchyard.protocol.v1.PaymentView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Journals written by the 0.1 core (before the phases had their own records) recover to the state and the
 * answers that core derived from them. {@code fixtures/journal-0.1.tsv} holds eight payments' events as the
 * journal stores them (serializer id, manifest, bytes), covering every event type 0.1 wrote; the expected file
 * holds the view and every recorded answer 0.1 computed, as Protobuf JSON. The scenario 0.1 got wrong (a full
 * refund of a partial capture) is not in it.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class JournalFixtureTest {

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(PaymentFixture.config()).build();

  private record Stored(String persistenceId, List<Object> events) {}

  private static List<String> lines(String resource) throws IOException {
    try (InputStream in = JournalFixtureTest.class.getResourceAsStream("/fixtures/" + resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private Map<String, Stored> journals() throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system());
    Map<String, Stored> byName = new LinkedHashMap<>();
    for (String line : lines("journal-0.1.tsv")) {
      String[] f = line.split("\t");
      Object event = serialization.deserialize(Base64.getDecoder().decode(f[5]), Integer.parseInt(f[3]), f[4]).get();
      byName.computeIfAbsent(f[0], name -> new Stored(f[1], new ArrayList<>())).events().add(event);
    }
    return byName;
  }

  /** A view as 0.1 showed it: without the list of every dispute, which it did not have. */
  private static PaymentView as01(PaymentView view) {
    return view.toBuilder().clearDisputes().build();
  }

  @Test
  void theFixtureCoversEveryEventTypeOfTheOldCore() throws Exception {
    Set<PaymentEvent.BodyCase> seen = EnumSet.noneOf(PaymentEvent.BodyCase.class);
    journals().values().forEach(s -> s.events().forEach(e -> seen.add(((PaymentEvent) e).getBodyCase())));
    assertThat(seen).hasSize(14).doesNotContain(PaymentEvent.BodyCase.BODY_NOT_SET);
  }

  @Test
  void journalsOfTheOldCoreRecoverToTheSameStateAndAnswers() throws Exception {
    Map<String, PaymentView> views = new TreeMap<>();
    Map<String, Map<String, PaymentReply>> answers = new TreeMap<>();
    for (String line : lines("journal-0.1-expected.tsv")) {
      String[] f = line.split("\t");
      if (f[1].equals("view")) {
        PaymentView.Builder v = PaymentView.newBuilder();
        JsonFormat.parser().merge(f[2], v);
        views.put(f[0], v.build());
      } else {
        PaymentReply.Builder r = PaymentReply.newBuilder();
        JsonFormat.parser().merge(f[2], r);
        answers.computeIfAbsent(f[0], k -> new TreeMap<>()).put(f[1].substring("answer ".length()), r.build());
      }
    }
    Map<String, Stored> journals = journals();
    assertThat(journals.keySet()).containsExactlyInAnyOrderElementsOf(views.keySet());
    for (Map.Entry<String, Stored> journal : journals.entrySet()) {
      String name = journal.getKey();
      String paymentId = journal.getValue().persistenceId().substring("Payment|".length());
      EventSourcedBehaviorTestKit<PaymentCommand, PaymentEvent, Payment> kit = EventSourcedBehaviorTestKit.create(
          testKit.system(), PaymentEntity.create(paymentId, new PaymentEntity.Dependencies(
              PaymentFixture.settings(Duration.ofSeconds(2)), new IssuerSimulator(Duration.ZERO, 91, 0),
              new TestClock(), PaymentMetrics.NONE)));
      kit.persistenceTestKit().persistForRecovery(journal.getValue().persistenceId(), journal.getValue().events());
      kit.restart();
      assertThat(kit.getState()).as(name).isInstanceOf(Payment.Live.class);
      Payment.Live recovered = (Payment.Live) kit.getState();
      assertThat(as01(recovered.view())).as(name + " view").isEqualTo(views.get(name));
      Map<String, PaymentReply> given = new TreeMap<>();
      recovered.core().answers().byRequest().forEach((id, answer) -> {
        PaymentReply reply = Snapshots.toProto(answer.reply());
        given.put(id, reply.hasPayment() ? reply.toBuilder().setPayment(as01(reply.getPayment())).build() : reply);
      });
      assertThat(given).as(name + " answers").isEqualTo(answers.get(name));
    }
  }
}
