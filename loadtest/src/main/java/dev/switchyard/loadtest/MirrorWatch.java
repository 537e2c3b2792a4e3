package dev.switchyard.loadtest;

import dev.switchyard.protocol.v1.PublishedEvent;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;

/**
 * Watches the journal mirror's topic during a load run: how many events per second arrive, and the end-to-end
 * lag of each, from the journal write (the event time) to receipt here. Only events written after
 * {@link #measureFrom} count, so the warmup's backlog does not.
 */
final class MirrorWatch implements AutoCloseable {

  private final PulsarClient client;
  private final Consumer<byte[]> consumer;
  private final Recorder lag = new Recorder(TimeUnit.MINUTES.toMillis(10), 3);
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private volatile long measureFrom = Long.MAX_VALUE;
  private volatile long firstAt;
  private volatile long lastAt;

  MirrorWatch(String serviceUrl, String topic, String tokenFile) throws PulsarClientException {
    var builder = PulsarClient.builder().serviceUrl(serviceUrl);
    if (tokenFile != null) {
      builder.authentication(org.apache.pulsar.client.api.AuthenticationFactory.token(() -> {
        try {
          return java.nio.file.Files.readString(java.nio.file.Path.of(tokenFile)).strip();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }));
    }
    client = builder.build();
    consumer = client.newConsumer().topic(topic).subscriptionName("loadtest-watch-" + System.nanoTime())
        .subscriptionType(SubscriptionType.Exclusive)
        .subscriptionInitialPosition(SubscriptionInitialPosition.Latest)
        .messageListener((c, m) -> {
          long now = System.currentTimeMillis();
          try {
            PublishedEvent e = PublishedEvent.parseFrom(m.getValue());
            if (e.getEventTimeMillis() >= measureFrom) {
              if (events.getAndIncrement() == 0) {
                firstAt = now;
              }
              lastAt = now;
              lag.recordValue(Math.max(0, now - e.getEventTimeMillis()));
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            malformed.incrementAndGet();
          }
          c.acknowledgeAsync(m);
        })
        .subscribe();
  }

  /** Events written from now on are measured. */
  void measureFrom(long epochMillis) {
    measureFrom = epochMillis;
  }

  long events() {
    return events.get();
  }

  String summary() {
    Histogram h = lag.getIntervalHistogram();
    double seconds = Math.max(0.001, (lastAt - firstAt) / 1000.0);
    return String.format(Locale.ROOT, "mirror: %d events received (%.0f events/s while they arrived, %d malformed);"
            + " end-to-end lag journal write -> consumer ms: p50 %d, p90 %d, p99 %d, p99.9 %d, max %d%n",
        events.get(), events.get() / seconds, malformed.get(), h.getValueAtPercentile(50),
        h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
  }

  @Override
  public void close() throws PulsarClientException {
    consumer.close();
    client.close();
  }
}
