package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hole 6: the journal's write queue holds everything admission lets in. With the 0.1 defaults (a queue of 1,000
 * events, 2,048 requests admitted per node) a burst within the limits failed writes and opened the journal's
 * circuit breaker; such a configuration now refuses to start.
 */
class JournalCapacityTest {

  @Test
  void everyOverlaysDefaultsFitTheJournalsQueue() {
    for (String overlay : new String[] {"local", "postgres", "multi-node", "kubernetes", "local,pulsar"}) {
      assertThatCode(() -> JournalCapacity.check(SwitchNode.loadConfig(overlay, ConfigFactory.empty())))
          .as(overlay).doesNotThrowAnyException();
    }
  }

  @Test
  void aQueueSmallerThanWhatIsAdmittedIsRefusedWithTheKeysNamed() {
    var config = SwitchNode.loadConfig("local", ConfigFactory.parseMap(Map.of("jdbc-journal.bufferSize", 1_000)));
    assertThatThrownBy(() -> JournalCapacity.check(config))
        .hasMessageContaining("jdbc-journal.bufferSize is 1000")
        .hasMessageContaining("switch.gateway.max-in-flight-per-node (2560)")
        .hasMessageContaining("switch.deadlines.batch-size (4000)");
  }
}
