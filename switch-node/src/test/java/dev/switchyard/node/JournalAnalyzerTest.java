package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.node.JournalAnalyzer.Settings;
import dev.switchyard.node.JournalAnalyzer.TableStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the analyzer calls a journal table's statistics stale. */
class JournalAnalyzerTest {

  private static final Settings SETTINGS = new Settings(Duration.ofSeconds(5), 500, 0.2);

  @Test
  void aTableNeverAnalyzedIsStaleOnceItHasRows() {
    assertThat(new TableStats("event_journal", 0, 0, false).stale(SETTINGS)).isFalse();
    assertThat(new TableStats("event_journal", 3, 3, false).stale(SETTINGS)).isTrue();
    // Counters flushed before the table's size estimate: changes alone count.
    assertThat(new TableStats("event_journal", 0, 2, false).stale(SETTINGS)).isTrue();
  }

  @Test
  void anAnalyzedTableIsStaleAfterTheMinimumPlusTheFractionOfItsRowsChanged() {
    assertThat(new TableStats("event_tag", 0, 499, true).stale(SETTINGS)).isFalse();
    assertThat(new TableStats("event_tag", 0, 500, true).stale(SETTINGS)).isTrue();
    // 500 + 20 % of 100,000 = 20,500.
    assertThat(new TableStats("event_tag", 100_000, 20_499, true).stale(SETTINGS)).isFalse();
    assertThat(new TableStats("event_tag", 100_000, 20_500, true).stale(SETTINGS)).isTrue();
  }

  @Test
  void settingsComeFromTheDocumentedKeysAndZeroTurnsTheAnalyzerOff() {
    var config = com.typesafe.config.ConfigFactory.parseString("switch.database.analyze-interval = 0s")
        .withFallback(com.typesafe.config.ConfigFactory.parseResources("switch/base.conf")).resolve();
    Settings off = Settings.create(config);
    assertThat(off.enabled()).isFalse();
    assertThat(off.minChangedRows()).isEqualTo(500);
    assertThat(off.changedFraction()).isEqualTo(0.2);
  }
}
