package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.ops.JournalReadiness;
import dev.switchyard.payment.CardProtector;
import dev.switchyard.payment.Money;
import dev.switchyard.payment.Outcome;
import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.PaymentEntity;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.persistence.DatabaseSettings;
import dev.switchyard.persistence.Databases;
import dev.switchyard.payment.Reply;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.ResultCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A node on a real journal (H2 file, PostgreSQL): restarts, the limit of payments in memory, concurrency, card data
 * at rest, deadlines.
 */
class PaymentRecoveryIT {

  private static final Duration ASK = Duration.ofSeconds(10);
  private static final String PAN = "4111111111111111";
  private static final String ACQ = "acq-it";

  @TempDir Path dataDir;
  private final List<SwitchNode> nodes = new ArrayList<>();
  private TestDatabases.Target target;

  @AfterEach
  void tearDown() {
    nodes.forEach(SwitchNode::close);
    if (target != null) {
      TestDatabases.dropSchema(target.schema());
    }
  }

  private SwitchNode start(TestDatabases db, String extra) {
    if (target == null) {
      target = db.prepare(dataDir);
    }
    var config = SwitchNode.loadConfig(target.overlay(),
        com.typesafe.config.ConfigFactory.parseString(extra).withFallback(target.overrides()));
    SwitchNode node = SwitchNode.start(config);
    nodes.add(node);
    return node;
  }

  private static Reply ask(SwitchNode node, String id,
      org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<Reply>,
          PaymentCommand> command) throws Exception {
    return node.ask(id, command, ASK).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** An authorization with a card of its own, as many cardholders would: one card's many would be declined by risk. */
  private static String authorize(SwitchNode node, String ref, long amount, String rid) throws Exception {
    return authorize(node, ref, amount, rid, dev.switchyard.TestCards.pan("4111", ref.hashCode()));
  }

  private static String authorize(SwitchNode node, String ref, long amount, String rid, String pan)
      throws Exception {
    CardProtector protector =
        new CardProtector(node.system().settings().config().getString("switch.card.pan-hash-key"));
    String id = PaymentIds.derive(ACQ, ref);
    Reply reply = ask(node, id, r -> new PaymentCommand.Authorize(rid, ACQ, ref, "m-1",
        Money.of(amount, "EUR"), protector.protect(pan, 12, 2031), new dev.switchyard.payment.Pan(pan), r));
    assertThat(reply.outcome()).isEqualTo(Outcome.APPROVED);
    return id;
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void paymentsSurviveARestartOfTheNode(TestDatabases db) throws Exception {
    SwitchNode first = start(db, "");
    String captureRid = "cap-" + UUID.randomUUID();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = authorize(first, "order-" + i + "-" + UUID.randomUUID(), 10_000, "auth-" + UUID.randomUUID());
      ids.add(id);
      String rid = i == 0 ? captureRid : "cap-" + UUID.randomUUID();
      ask(first, id, r -> new PaymentCommand.Capture(rid, ACQ, Money.of(6_000, "EUR"), false, r));
      ask(first, id, r -> new PaymentCommand.Refund("ref-" + UUID.randomUUID(), ACQ, Money.of(1_000, "EUR"), r));
    }
    Reply before = ask(first, ids.get(0), r -> new PaymentCommand.Get(ACQ, r));
    first.close();
    nodes.remove(first);

    SwitchNode second = start(db, "");
    for (String id : ids) {
      Reply after = ask(second, id, r -> new PaymentCommand.Get(ACQ, r));
      assertThat(after.payment().getState()).isEqualTo(PaymentState.PARTIALLY_CAPTURED);
      assertThat(after.payment().getCapturedMinor()).isEqualTo(6_000);
      assertThat(after.payment().getRefundedMinor()).isEqualTo(1_000);
    }
    assertThat(ask(second, ids.get(0), r -> new PaymentCommand.Get(ACQ, r))).isEqualTo(before);
    Reply replay = ask(second, ids.get(0),
        r -> new PaymentCommand.Capture(captureRid, ACQ, Money.of(6_000, "EUR"), false, r));
    assertThat(replay.outcome()).isEqualTo(Outcome.APPROVED);
    assertThat(replay.payment().getCapturedMinor()).as("the replay answers as it did, before the refund")
        .isEqualTo(6_000);
    assertThat(replay.payment().getRefundedMinor()).isZero();
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void aNodeKeepsAtMostItsLimitOfPaymentsInMemoryAndRecoversTheOthersWhenAsked(TestDatabases db) throws Exception {
    // Four shards of ten payments each; idle payments would stay two minutes without the limit. Fixed references,
    // so every run spreads the payments over the shards the same way: each of the first ten has 14 or more newer
    // payments in its shard.
    SwitchNode node = start(db, "pekko.cluster.sharding.number-of-shards = 4\n"
        + "pekko.cluster.sharding.passivation.switch-payments.active-entity-limit = 40");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      ids.add(authorize(node, "limit-" + i, 1_000, "a-" + UUID.randomUUID()));
    }
    TestProbe<Object> probe = TestProbe.create(node.system());
    probe.awaitAssert(Duration.ofSeconds(30), () -> {
      assertThat(paymentsInMemory(node)).hasSizeLessThanOrEqualTo(40);
      return null;
    });
    assertThat(paymentsInMemory(node)).as("the least recently used left first").doesNotContainAnyElementsOf(
        ids.subList(0, 10));

    for (String id : ids.subList(0, 10)) {
      Reply captured = ask(node, id,
          r -> new PaymentCommand.Capture("c-" + UUID.randomUUID(), ACQ, Money.of(1_000, "EUR"), false, r));
      assertThat(captured.outcome()).isEqualTo(Outcome.APPROVED);
      assertThat(captured.payment().getState()).isEqualTo(PaymentState.CAPTURED);
      assertThat(captured.payment().getAuthorizedMinor()).isEqualTo(1_000);
    }
  }

  /** The payment entities the node's shard region holds in memory now. */
  private static Set<String> paymentsInMemory(SwitchNode node) {
    TestProbe<ShardRegion.CurrentShardRegionState> probe = TestProbe.create(node.system());
    ClusterSharding.get(node.system()).shardState()
        .tell(new GetShardRegionState(PaymentEntity.ENTITY_KEY, probe.ref()));
    Set<String> ids = new HashSet<>();
    probe.receiveMessage(ASK).getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
    return ids;
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void twoConcurrentRefundsOfSixtyOnACapturedHundredLetExactlyOneThrough(TestDatabases db) throws Exception {
    SwitchNode node = start(db, "");
    for (int round = 0; round < 10; round++) {
      String id = authorize(node, "race-" + UUID.randomUUID(), 100, "a-" + UUID.randomUUID());
      ask(node, id, r -> new PaymentCommand.Capture("c-" + UUID.randomUUID(), ACQ, Money.of(100, "EUR"), false, r));
      CompletableFuture<Reply> one = CompletableFuture.supplyAsync(() -> refund60(node, id));
      CompletableFuture<Reply> two = CompletableFuture.supplyAsync(() -> refund60(node, id));
      List<Outcome> results = List.of(one.get().outcome(), two.get().outcome());
      assertThat(results).containsExactlyInAnyOrder(Outcome.APPROVED, Outcome.AMOUNT_EXCEEDS_AVAILABLE);
      assertThat(ask(node, id, r -> new PaymentCommand.Get(ACQ, r)).payment().getRefundedMinor()).isEqualTo(60);
    }
  }

  private static Reply refund60(SwitchNode node, String id) {
    return node.ask(id, r -> new PaymentCommand.Refund("r-" + UUID.randomUUID(), ACQ, Money.of(60, "EUR"), r), ASK)
        .toCompletableFuture().join();
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void noCardNumberIsStoredAnywhereInTheJournal(TestDatabases db) throws Exception {
    SwitchNode node = start(db, "switch.persistence.snapshot-every = 2");
    for (int i = 0; i < 3; i++) {
      String id = authorize(node, "pan-" + UUID.randomUUID(), 5_000, "a-" + UUID.randomUUID(), PAN);
      for (int c = 0; c < 3; c++) {
        ask(node, id, r -> new PaymentCommand.Capture("c-" + UUID.randomUUID(), ACQ, Money.of(1_000, "EUR"), false, r));
      }
    }
    int rows = 0;
    int withBin = 0;
    try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement()) {
      for (String query : List.of(
          "SELECT \"event_payload\" FROM \"event_journal\"",
          "SELECT \"snapshot_payload\" FROM \"snapshot\"")) {
        try (ResultSet rs = s.executeQuery(query)) {
          while (rs.next()) {
            String stored = new String(rs.getBytes(1), StandardCharsets.ISO_8859_1);
            assertThat(stored).doesNotContain(PAN).doesNotContain(PAN.substring(0, 12));
            rows++;
            withBin += stored.contains("411111") ? 1 : 0;
          }
        }
      }
      c.rollback();
    }
    assertThat(rows).as("journal rows and snapshots were inspected").isGreaterThan(12);
    assertThat(withBin).as("the BIN is kept, so the payloads read are the card-bearing ones").isGreaterThanOrEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void anUncapturedHoldExpiresAfterARestartWithoutAnyRequest(TestDatabases db) throws Exception {
    SwitchNode first = start(db, "switch.payment.hold-window = 3s");
    String id = authorize(first, "expiry-" + UUID.randomUUID(), 7_000, "a-" + UUID.randomUUID());
    first.close();
    nodes.remove(first);

    SwitchNode second = start(db, "switch.payment.hold-window = 3s");
    TestProbe<Object> probe = TestProbe.create(second.system());
    probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(250), () -> {
      Reply now = ask(second, id, r -> new PaymentCommand.Get(ACQ, r));
      assertThat(now.payment().getState()).isEqualTo(PaymentState.EXPIRED);
      return null;
    });
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void schemaMigrationIsIdempotent(TestDatabases db) throws Exception {
    SwitchNode node = start(db, "");
    DatabaseSettings settings = DatabaseSettings.create(node.system().settings().config());
    var again = Databases.migrate(settings);
    assertThat(again.migrationsExecuted).isZero();
    assertThat(again.targetSchemaVersion).isNull();
    try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM payment_deadline")) {
      assertThat(rs.next()).isTrue();
    }
  }

  @org.junit.jupiter.api.Test
  void onPostgresTheJournalIsAnalyzedAsSoonAsItHasRowsAndAgainWhenEnoughChanged() throws Exception {
    SwitchNode node = start(TestDatabases.POSTGRES, "switch.database.analyze-interval = 1s\n"
        + "switch.database.analyze-min-changed-rows = 10\nswitch.database.analyze-changed-fraction = 0");
    authorize(node, "analyze-" + UUID.randomUUID(), 1_000, "a-" + UUID.randomUUID());
    TestProbe<Object> probe = TestProbe.create(node.system());
    // A journal that was never analyzed is analyzed once it has rows, not a minute later.
    probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      assertThat(analyses()).allSatisfy(n -> assertThat(n).isPositive()).hasSize(2);
      return null;
    });
    List<Long> first = analyses();
    // Six payments write twelve journal rows and twelve tag rows: more than the ten that make a table stale.
    for (int i = 0; i < 6; i++) {
      authorize(node, "analyze-" + UUID.randomUUID(), 1_000, "a-" + UUID.randomUUID());
    }
    probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      List<Long> now = analyses();
      assertThat(now.get(0)).isGreaterThan(first.get(0));
      assertThat(now.get(1)).isGreaterThan(first.get(1));
      return null;
    });
  }

  /** How often event_journal and event_tag (in that order) were analyzed, by anyone, in the test's schema. */
  private List<Long> analyses() throws Exception {
    try (Connection c = java.sql.DriverManager.getConnection(TestDatabases.PG_URL, "postgres", "");
        java.sql.PreparedStatement s = c.prepareStatement("SELECT analyze_count + autoanalyze_count"
            + " FROM pg_stat_user_tables WHERE schemaname = ? AND relname IN ('event_journal', 'event_tag')"
            + " ORDER BY relname = 'event_tag'")) {
      s.setString(1, target.schema());
      List<Long> counts = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          counts.add(rs.getLong(1));
        }
      }
      return counts;
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.class)
  void theJournalReadinessCheckFailsWhileTheJournalTableIsGone(TestDatabases db) throws Exception {
    SwitchNode node = start(db, "");
    var readiness = new JournalReadiness(Adapter.toClassic(node.system()));
    assertThat(readiness.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
    renameJournal(node, "event_journal", "event_journal_away");
    assertThat(readiness.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isFalse();
    renameJournal(node, "event_journal_away", "event_journal");
    assertThat(readiness.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
  }

  private static void renameJournal(SwitchNode node, String from, String to) throws Exception {
    try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE \"" + from + "\" RENAME TO \"" + to + "\"");
      c.commit();
    }
  }
}
