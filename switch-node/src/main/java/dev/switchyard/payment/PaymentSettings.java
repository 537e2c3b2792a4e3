package dev.switchyard.payment;

import com.typesafe.config.Config;
import dev.switchyard.persistence.TagSlices;
import java.time.Duration;

/** {@code switch.payment} and {@code switch.persistence}, read once at start. */
public record PaymentSettings(
    Duration holdWindow,
    Duration issuerTimeout,
    Duration reversalRetryMin,
    Duration reversalRetryMax,
    Duration disputeResponseWindow,
    int maxRecordedRefusals,
    int snapshotEvery,
    boolean loadSnapshots,
    TagSlices tags) {

  public static PaymentSettings create(Config config) {
    Config p = config.getConfig("switch.payment");
    Config persistence = config.getConfig("switch.persistence");
    return new PaymentSettings(
        p.getDuration("hold-window"),
        p.getDuration("issuer-timeout"),
        p.getDuration("reversal-retry-min"),
        p.getDuration("reversal-retry-max"),
        p.getDuration("dispute-response-window"),
        p.getInt("max-recorded-refusals"),
        persistence.getInt("snapshot-every"),
        persistence.getBoolean("load-snapshots"),
        new TagSlices(persistence.getString("tag-prefix"), persistence.getInt("tag-slices")));
  }
}
