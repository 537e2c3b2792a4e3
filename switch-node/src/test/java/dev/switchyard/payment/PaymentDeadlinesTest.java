package dev.switchyard.payment;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchyard.node.TestDatabases;
import dev.switchyard.protocol.v1.AuthorizationInDoubt;
import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.Authorized;
import dev.switchyard.protocol.v1.Captured;
import dev.switchyard.protocol.v1.Declined;
import dev.switchyard.protocol.v1.DisputeOpened;
import dev.switchyard.protocol.v1.IncrementRequested;
import dev.switchyard.protocol.v1.IncrementWithdrawn;
import dev.switchyard.protocol.v1.ReversalFailed;
import dev.switchyard.protocol.v1.ReversalKind;
import dev.switchyard.protocol.v1.Reversed;
import dev.switchyard.protocol.v1.Voided;
import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The deadline projection writes a group of events as their net effect. Whatever the grouping, the table must end
 * up exactly as if every event had been written on its own, which is what the journal implies, on H2 and on
 * PostgreSQL alike.
 */
class PaymentDeadlinesTest {

  @TempDir Path dataDir;
  /** PostgreSQL schemas this test created, dropped after it. */
  private final List<String> schemas = new ArrayList<>();

  private record Step(String paymentId, PaymentEvent event) {}

  private static PaymentEvent requested(long issuerDeadline) {
    return PaymentEvent.newBuilder().setStateAfter(PaymentState.AUTHORIZING)
        .setAuthorizationRequested(AuthorizationRequested.newBuilder().setIssuerDeadlineMillis(issuerDeadline))
        .build();
  }

  private static PaymentEvent authorized(long expiresAt) {
    return PaymentEvent.newBuilder().setStateAfter(PaymentState.AUTHORIZED)
        .setAuthorized(Authorized.newBuilder().setExpiresAtMillis(expiresAt)).build();
  }

  private static PaymentEvent captured(PaymentState after) {
    return PaymentEvent.newBuilder().setStateAfter(after).setCaptured(Captured.newBuilder()).build();
  }

  /** Six payments, interleaved as they would be in one slice of the journal. */
  private static List<Step> script() {
    List<Step> steps = new ArrayList<>();
    steps.add(new Step("p1", requested(1_001)));
    steps.add(new Step("p2", requested(2_001)));
    steps.add(new Step("p3", requested(3_001)));
    steps.add(new Step("p1", authorized(1_100)));
    steps.add(new Step("p2", PaymentEvent.newBuilder().setStateAfter(PaymentState.DECLINED)
        .setDeclined(Declined.newBuilder()).build()));
    steps.add(new Step("p4", requested(4_001)));
    steps.add(new Step("p5", requested(5_001)));
    steps.add(new Step("p4", PaymentEvent.newBuilder().setStateAfter(PaymentState.IN_DOUBT)
        .setInDoubt(AuthorizationInDoubt.newBuilder().setNextRetryAtMillis(4_200)).build()));
    steps.add(new Step("p5", authorized(5_100)));
    steps.add(new Step("p6", requested(6_001)));
    steps.add(new Step("p5", captured(PaymentState.PARTIALLY_CAPTURED)));
    steps.add(new Step("p6", authorized(6_100)));
    steps.add(new Step("p6", captured(PaymentState.CAPTURED)));
    steps.add(new Step("p6", PaymentEvent.newBuilder().setStateAfter(PaymentState.CAPTURED)
        .setDisputeOpened(DisputeOpened.newBuilder().setRespondByMillis(6_900)).build()));
    return steps;
  }

  /** A fresh database with the switch's schema, migrated as a node migrates it: in-memory H2, or a new schema. */
  private HikariDataSource database(TestDatabases vendor) {
    return vendor.migratedPool(dataDir, "deadlines-test", 2, schemas::add);
  }

  @AfterEach
  void dropSchemas() {
    schemas.forEach(TestDatabases::dropSchema);
  }

  private static List<String> rows(Connection c) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT payment_id, kind, slice, due_at FROM payment_deadline ORDER BY payment_id, kind")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getInt(3) + "@" + rs.getLong(4));
      }
    }
    return rows;
  }

  /** Writes the script in groups of {@code size} events, each group as one projection transaction would. */
  private List<String> writeInGroupsOf(TestDatabases vendor, int size) throws Exception {
    List<Step> steps = script();
    try (HikariDataSource pool = database(vendor); Connection c = pool.getConnection()) {
      for (int from = 0; from < steps.size(); from += size) {
        PaymentDeadlines.Changes group = new PaymentDeadlines.Changes();
        for (Step step : steps.subList(from, Math.min(steps.size(), from + size))) {
          group.apply(step.paymentId(), step.event());
        }
        group.write(c, 3);
        c.commit();
      }
      return rows(c);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void anyGroupingLeavesTheTableTheJournalImplies(TestDatabases vendor) throws Exception {
    List<String> expected = List.of(
        "p1/expiry/3@1100", // authorized, nothing captured: the hold lapses
        "p3/issuer/3@3001", // still waiting for the issuer
        "p4/reversal/3@4200", // in doubt: the reversal is retried
        "p5/expiry/3@5100", // partially captured: the rest of the hold still lapses
        "p6/dispute/3@6900"); // captured, then disputed: only the response deadline
    assertThat(writeInGroupsOf(vendor, 1)).isEqualTo(expected);
    for (int size : new int[] {2, 3, 5, 14}) {
      assertThat(writeInGroupsOf(vendor, size)).as("groups of " + size).isEqualTo(expected);
    }
  }

  /** Hole 5: a backlog of due reversals (an issuer down) does not keep a slice's expiries and disputes waiting. */
  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void aBacklogOfOneKindOfDeadlineDoesNotStarveTheOthers(TestDatabases vendor) throws Exception {
    try (HikariDataSource pool = database(vendor); Connection c = pool.getConnection()) {
      PaymentDeadlines.Changes backlog = new PaymentDeadlines.Changes();
      for (int i = 0; i < 30; i++) {
        backlog.apply("doubt-" + i, PaymentEvent.newBuilder().setStateAfter(PaymentState.IN_DOUBT)
            .setInDoubt(AuthorizationInDoubt.newBuilder().setNextRetryAtMillis(100 + i)).build());
      }
      backlog.apply("hold", authorized(500));
      backlog.apply("disputed", PaymentEvent.newBuilder().setStateAfter(PaymentState.CAPTURED)
          .setDisputeOpened(DisputeOpened.newBuilder().setRespondByMillis(600)).build());
      backlog.write(c, 1);
      c.commit();
      List<String> due = PaymentDeadlines.due(pool, 1, 1_000, 10);
      assertThat(due).contains("hold", "disputed");
      assertThat(due).filteredOn(id -> id.startsWith("doubt-")).hasSize(10)
          .as("oldest first").contains("doubt-0", "doubt-9");
    }
  }

  /** Hole 5: each failed reversal moves the payment's wake-up to its next attempt. */
  @Test
  void aFailedReversalMovesTheWakeUpToItsNextAttempt() {
    PaymentDeadlines.Changes group = new PaymentDeadlines.Changes();
    group.apply("p", PaymentEvent.newBuilder().setStateAfter(PaymentState.VOIDED)
        .setVoided(Voided.newBuilder().setNextRetryAtMillis(2_000).setReleasedMinor(10)).build());
    assertThat(group.result()).containsEntry(new PaymentDeadlines.Key("p", PaymentDeadlines.REVERSAL), 2_000L);
    group.apply("p", PaymentEvent.newBuilder().setStateAfter(PaymentState.VOIDED)
        .setReversalFailed(ReversalFailed.newBuilder().setAttempts(1).setNextRetryAtMillis(9_000)).build());
    assertThat(group.result()).containsEntry(new PaymentDeadlines.Key("p", PaymentDeadlines.REVERSAL), 9_000L);
    group.apply("p", PaymentEvent.newBuilder().setStateAfter(PaymentState.VOIDED)
        .setReversed(Reversed.newBuilder().setKind(ReversalKind.RELEASE_OF_VOIDED_HOLD)).build());
    assertThat(group.result().get(new PaymentDeadlines.Key("p", PaymentDeadlines.REVERSAL))).isNull();
  }

  @Test
  void anIncrementWaitsForItsIssuerDeadlineAndAWithdrawnOneForItsReversal() {
    PaymentDeadlines.Changes group = new PaymentDeadlines.Changes();
    group.apply("p", PaymentEvent.newBuilder().setStateAfter(PaymentState.AUTHORIZED)
        .setIncrementRequested(IncrementRequested.newBuilder().setIssuerDeadlineMillis(3_000)).build());
    assertThat(group.result()).containsEntry(new PaymentDeadlines.Key("p", PaymentDeadlines.ISSUER), 3_000L);
    group.apply("p", PaymentEvent.newBuilder().setStateAfter(PaymentState.AUTHORIZED)
        .setIncrementWithdrawn(IncrementWithdrawn.newBuilder().setNextRetryAtMillis(3_500)).build());
    assertThat(group.result().get(new PaymentDeadlines.Key("p", PaymentDeadlines.ISSUER))).isNull();
    assertThat(group.result()).containsEntry(new PaymentDeadlines.Key("p", PaymentDeadlines.REVERSAL), 3_500L);
  }

  @Test
  void aPaymentAuthorizedAndCapturedInOneGroupWritesNoDeadline() {
    PaymentDeadlines.Changes group = new PaymentDeadlines.Changes();
    group.apply("p", requested(1_001));
    group.apply("p", authorized(1_100));
    group.apply("p", captured(PaymentState.CAPTURED));
    assertThat(group.result()).containsOnlyKeys(
        new PaymentDeadlines.Key("p", PaymentDeadlines.ISSUER), new PaymentDeadlines.Key("p", PaymentDeadlines.EXPIRY));
    assertThat(group.result().values()).containsOnlyNulls();
  }
}
