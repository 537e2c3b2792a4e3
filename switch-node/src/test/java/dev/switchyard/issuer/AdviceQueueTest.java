package dev.switchyard.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.payment.TestClock;
import dev.switchyard.protocol.v1.AdviceEvent;
import dev.switchyard.protocol.v1.AdviceQueued;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A route's store-and-forward queue on the in-memory journal: stand-in limits, order, repeats, restarts. */
@ExtendWith(TestKitJUnit5Extension.class)
class AdviceQueueTest {

  static Config config() {
    return EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"));
  }

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(config()).build();

  private static final StandInRules.Limits LIMITS = new StandInRules.Limits(5_000, 2, 6_000, "route test");

  /** One advice handed to the link: which, which attempt. */
  record Sent(long sequence, String rrn, int attempt) {}

  /** The issuer side of the queue: up or down, and each advice's answer completed by the test. */
  final class Link implements AdviceQueue.Sender {
    final AtomicBoolean up = new AtomicBoolean();
    final Map<Long, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
    final TestProbe<Sent> sent = testKit.createTestProbe();

    @Override
    public boolean ready(String route) {
      return up.get();
    }

    @Override
    public CompletionStage<String> send(String route, AdviceQueued advice, int attempt) {
      CompletableFuture<String> answer = new CompletableFuture<>();
      answers.put(advice.getSequence(), answer);
      sent.getRef().tell(new Sent(advice.getSequence(), advice.getRrn(), attempt));
      return answer;
    }
  }

  private final TestClock clock = new TestClock();
  private Link link;
  private EventSourcedBehaviorTestKit<AdviceQueue.Command, AdviceEvent, AdviceQueue.State> kit;

  @BeforeEach
  void setUp() {
    link = new Link();
    kit = EventSourcedBehaviorTestKit.create(testKit.system(),
        AdviceQueue.create("test", link, new AdviceQueue.Settings(Duration.ofSeconds(2), 3), clock),
        // The state is never sent anywhere; its snapshot form is checked by the restarts below.
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  private AdviceQueue.StandInAnswer standIn(String rrn, String card, long amount) {
    return kit.<AdviceQueue.StandInAnswer>runCommand(reply -> new AdviceQueue.StandIn("pay_" + rrn, rrn, "acq-1",
        "m-1", "555555", "4444", card, amount, "EUR", LIMITS, reply)).reply();
  }

  private void deliver() {
    kit.runCommand(AdviceQueue.Deliver.INSTANCE);
  }

  @Test
  void approvesWithinEachLimitPerCardAndDayAndRefusesNamingTheLimit() {
    AdviceQueue.StandInAnswer first = standIn("RRN000000001", "card-a", 1_000);
    assertThat(first.approved()).isTrue();
    assertThat(first.sequence()).isEqualTo(1);
    assertThat(first.authCode()).isEqualTo("S00001");
    AdviceQueue.StandInAnswer tooBig = standIn("RRN000000002", "card-a", 5_001);
    assertThat(tooBig.approved()).isFalse();
    assertThat(tooBig.refusal()).contains("5000 per authorization").contains("route test");
    assertThat(standIn("RRN000000003", "card-a", 5_000).approved()).as("a 6,000 sum today is the limit").isTrue();
    AdviceQueue.StandInAnswer thirdToday = standIn("RRN000000004", "card-a", 1);
    assertThat(thirdToday.approved()).isFalse();
    assertThat(thirdToday.refusal()).contains("2 approvals a day per card");
    AdviceQueue.StandInAnswer otherCard = standIn("RRN000000005", "card-b", 5_000);
    assertThat(otherCard.approved()).as("limits count per card").isTrue();
    AdviceQueue.StandInAnswer sumExceeded = standIn("RRN000000006", "card-b", 1_001);
    assertThat(sumExceeded.refusal()).contains("6000 a day per card");
    clock.advance(Duration.ofDays(1));
    assertThat(standIn("RRN000000007", "card-a", 1_000).approved()).as("a new UTC day counts again").isTrue();
    assertThat(kit.getState().pending).extracting(AdviceQueued::getSequence).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void deliversOneAdviceAtATimeInOrderOnlyWhileTheLinkIsUp() {
    standIn("RRN000000001", "card-a", 100);
    standIn("RRN000000002", "card-b", 200);
    deliver();
    link.sent.expectNoMessage(Duration.ofMillis(200));
    link.up.set(true);
    deliver();
    assertThat(link.sent.receiveMessage()).isEqualTo(new Sent(1, "RRN000000001", 1));
    deliver();
    link.sent.expectNoMessage(Duration.ofMillis(200));
    link.answers.get(1L).complete("00");
    assertThat(link.sent.receiveMessage()).as("the next goes once the first is acknowledged")
        .isEqualTo(new Sent(2, "RRN000000002", 1));
    link.answers.get(2L).complete("00");
    link.sent.awaitAssert(() -> {
      assertThat(kit.getState().pending).isEmpty();
      assertThat(kit.getState().acknowledged).isEqualTo(2);
      return null;
    });
  }

  @Test
  void anUnacknowledgedAdviceIsRepeatedAndAfterARestartIsARepeatToo() {
    standIn("RRN000000001", "card-a", 100);
    link.up.set(true);
    deliver();
    assertThat(link.sent.receiveMessage().attempt()).isEqualTo(1);
    link.answers.get(1L).completeExceptionally(new java.util.concurrent.TimeoutException("no 0130"));
    link.sent.awaitAssert(() -> {
      deliver();
      assertThat(link.sent.receiveMessage(Duration.ofMillis(200))).isEqualTo(new Sent(1, "RRN000000001", 2));
      return null;
    });
    // The second attempt is on the wire when the node stops: its answer is lost with it.
    kit.restart();
    deliver();
    Sent afterRestart = link.sent.receiveMessage();
    assertThat(afterRestart.sequence()).isEqualTo(1);
    assertThat(afterRestart.attempt()).as("recorded as sent before: a repeat").isEqualTo(3);
    assertThat(kit.<AdviceQueue.Holding>runCommand(r -> new AdviceQueue.Undelivered("RRN000000001", r)).reply()
        .undelivered()).isTrue();
    link.answers.get(1L).complete("00");
    link.sent.awaitAssert(() -> {
      assertThat(kit.<AdviceQueue.Holding>runCommand(r -> new AdviceQueue.Undelivered("RRN000000001", r)).reply()
          .undelivered()).isFalse();
      return null;
    });
  }

  @Test
  void aRestartKeepsTheQueueAndTodaysCountsFromSnapshotsAndEvents() {
    for (int i = 1; i <= 4; i++) {
      assertThat(standIn(String.format("RRN%09d", i), "card-" + (i % 2), 1_000).approved()).isTrue();
    }
    kit.restart();
    AdviceQueue.State recovered = kit.getState();
    assertThat(recovered.pending).extracting(AdviceQueued::getRrn)
        .containsExactly("RRN000000001", "RRN000000002", "RRN000000003", "RRN000000004");
    assertThat(recovered.nextSequence).isEqualTo(5);
    assertThat(standIn("RRN000000005", "card-1", 1_000).refusal()).as("card-1 had 2 today")
        .contains("2 approvals a day per card");
    AdviceQueue.QueueStatus status = kit.<AdviceQueue.QueueStatus>runCommand(AdviceQueue.Status::new).reply();
    assertThat(status.depth()).isEqualTo(4);
    assertThat(status.oldestApprovedAtMillis()).isEqualTo(clock.millis());
  }
}
