package dev.switchyard.mirror;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code switch.pulsar}: the broker, the journal mirror and the back-office command consumer. */
public record PulsarSettings(
    boolean enabled,
    String serviceUrl,
    Security security,
    Mirror mirror,
    Commands commands) {

  /**
   * {@code switch.pulsar.auth-token[-file]} and {@code tls}: how the client proves itself and checks the broker.
   * Its text form never shows the token.
   */
  public record Security(String tokenFile, String token, String trustCertsFile, boolean hostnameVerification) {
    boolean authenticates() {
      return !tokenFile.isEmpty() || !token.isEmpty();
    }

    @Override
    public String toString() {
      return "Security[token " + (!tokenFile.isEmpty() ? "from " + tokenFile : token.isEmpty() ? "none" : "set")
          + ", trustCertsFile=" + trustCertsFile + ", hostnameVerification=" + hostnameVerification + "]";
    }
  }

  /** {@code switch.pulsar.mirror}. */
  public record Mirror(
      boolean enabled, String topic, String producerNamePrefix, int maxPendingSends,
      int saveOffsetAfterEnvelopes, Duration saveOffsetAfterDuration, Duration lagInterval) {}

  /** {@code switch.pulsar.commands}. */
  public record Commands(
      boolean enabled, String topic, String subscription, String replyTopic, String deadLetterTopic,
      int parallelism, Duration timeout) {}

  /** The settings; refuses a token file that is not there when Pulsar is on. */
  public static PulsarSettings create(Config config) {
    Config c = config.getConfig("switch.pulsar");
    String tokenFile = c.getString("auth-token-file").strip();
    if (c.getBoolean("enabled") && !tokenFile.isEmpty()
        && !java.nio.file.Files.isReadable(java.nio.file.Path.of(tokenFile))) {
      throw new IllegalArgumentException("switch.pulsar.auth-token-file: no readable file at " + tokenFile);
    }
    Config m = c.getConfig("mirror");
    Config k = c.getConfig("commands");
    return new PulsarSettings(
        c.getBoolean("enabled"),
        c.getString("service-url"),
        new Security(tokenFile, c.getString("auth-token").strip(),
            c.getString("tls.trust-certs-file").strip(), c.getBoolean("tls.hostname-verification")),
        new Mirror(m.getBoolean("enabled"), m.getString("topic"), m.getString("producer-name-prefix"),
            m.getInt("max-pending-sends"), m.getInt("save-offset-after-envelopes"),
            m.getDuration("save-offset-after-duration"), m.getDuration("lag-interval")),
        new Commands(k.getBoolean("enabled"), k.getString("topic"), k.getString("subscription"),
            k.getString("reply-topic"), k.getString("dead-letter-topic"), k.getInt("parallelism"),
            k.getDuration("timeout")));
  }
}
