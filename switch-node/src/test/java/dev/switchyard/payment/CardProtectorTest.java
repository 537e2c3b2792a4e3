package dev.switchyard.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CardProtectorTest {

  private final CardProtector protector = new CardProtector("a-test-key-of-enough-length");

  @Test
  void keepsOnlyBinLastFourAndAKeyedHash() {
    Card card = protector.protect("4111111111111111", 12, 2030);
    assertThat(card.bin()).isEqualTo("411111");
    assertThat(card.last4()).isEqualTo("1111");
    assertThat(card.panHash()).hasSize(64).doesNotContain("4111111111111111");
    assertThat(card.toString()).doesNotContain("4111111111111111");
  }

  @Test
  void theSamePanGivesTheSameHashOnlyUnderTheSameKey() {
    String hash = protector.hash("5555555555554444");
    assertThat(protector.hash("5555555555554444")).isEqualTo(hash);
    assertThat(new CardProtector("another-key-of-enough-length").hash("5555555555554444")).isNotEqualTo(hash);
    assertThat(protector.hash("5555555555554445")).isNotEqualTo(hash);
  }

  @Test
  void aShortOrMissingKeyIsRefusedAtStart() {
    assertThatThrownBy(() -> new CardProtector("short")).hasMessageContaining("pan-hash-key");
    assertThatThrownBy(() -> new CardProtector((String) null)).hasMessageContaining("pan-hash-key");
  }

  @Test
  void paymentIdsAreStablePerAcquirerAndReference() {
    String id = PaymentIds.derive("acq", "order-1");
    assertThat(PaymentIds.derive("acq", "order-1")).isEqualTo(id);
    assertThat(PaymentIds.derive("acq2", "order-1")).isNotEqualTo(id);
    assertThat(PaymentIds.derive("ac", "qorder-1")).isNotEqualTo(id);
    assertThat(PaymentIds.isWellFormed(id)).isTrue();
    assertThat(PaymentIds.isWellFormed("pay_XYZ")).isFalse();
  }

  @Test
  void afterARotationNewCardsAreHashedUnderTheNewKeyAndTheOldHashesStayComputable() {
    CardProtector before = new CardProtector(List.of(new CardProtector.Key("k1", "the-first-card-hash-key")));
    CardProtector after = new CardProtector(List.of(new CardProtector.Key("k2", "the-second-card-hash-key"),
        new CardProtector.Key("k1", "the-first-card-hash-key")));
    Card old = before.protect("5555555555554444", 12, 2030);
    Card now = after.protect("5555555555554444", 12, 2030);
    assertThat(old.panHashKeyId()).isEqualTo("k1");
    assertThat(now.panHashKeyId()).isEqualTo("k2");
    assertThat(now.panHash()).isNotEqualTo(old.panHash());
    assertThat(after.earlierHashes("5555555555554444")).containsExactly(old.panHash());
    assertThat(before.earlierHashes("5555555555554444")).isEmpty();
    // The key without an id is the one configured before ids: its hashes are what they always were.
    assertThat(new CardProtector(List.of(new CardProtector.Key("", "the-first-card-hash-key")))
        .hash("5555555555554444")).isEqualTo(old.panHash());
    assertThatThrownBy(() -> new CardProtector(List.of(new CardProtector.Key("k1", "the-first-card-hash-key"),
        new CardProtector.Key("k1", "the-second-card-hash-key")))).hasMessageContaining("same id");
    assertThatThrownBy(() -> new CardProtector.Key("k3", "short")).hasMessageContaining("k3");
  }

  @Test
  void whatANodeOfAnEarlierVersionSendsWithoutKeyIdsReadsAsTheKeyWithoutAnId() {
    // Jackson builds a record from its canonical constructor, a missing property passed as null.
    Card card = new Card("411111", "1111", "ab".repeat(32), 12, 2030, null);
    assertThat(card.panHashKeyId()).isEmpty();
    assertThat(card.toProto().getPanHashKeyId()).isEmpty();
    PaymentCommand.Authorize a = new PaymentCommand.Authorize("r", "acq", "ref", "m", Money.of(1_000, "EUR"), card,
        new Pan("4111111111111111"), Presentment.NONE, null, null);
    assertThat(a.earlierPanHashes()).isEmpty();
    assertThat(a.sameParams(a.paramsHash() + 1)).isFalse();
  }

  @Test
  void hashesAndIdsNeverChangeAcrossReleases() {
    // Fixed expectations, computed outside Java (HMAC-SHA-256 and SHA-256 by the book): stored hashes and payment
    // ids must keep matching what later versions compute.
    assertThat(protector.hash("5555555555554444"))
        .isEqualTo("99105337cc77355104cd756c3bcf6dcafbb988688e57ccd0e29ae587ca2aad8e");
    assertThat(PaymentIds.derive("acq", "order-1")).isEqualTo("pay_06c01501769196b05a19e186f6b0fdff");
    assertThat(ParamsHash.of("a", "bc", 12)).isEqualTo(-1929989213028469426L);
  }

  @Test
  void manyThreadsHashingAtOnceGetWhatOneThreadGets() throws Exception {
    // The Mac and the digests are reused per thread; interleaved use on several threads must not mix them up.
    List<Callable<String>> work = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      String pan = "41111111111" + String.format("%05d", i);
      String ref = "order-" + i;
      work.add(() -> protector.hash(pan) + PaymentIds.derive("acq", ref) + ParamsHash.of(ref, pan));
    }
    List<String> alone = new ArrayList<>();
    for (Callable<String> w : work) {
      alone.add(w.call());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> together = pool.invokeAll(work);
      for (int i = 0; i < work.size(); i++) {
        assertThat(together.get(i).get()).isEqualTo(alone.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
