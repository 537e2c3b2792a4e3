package dev.switchyard.mirror;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.persistence.quickwit.QuickwitClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Ships the node's own log lines to a Quickwit index ({@code quickwit/switch-logs.json}), with the same field
 * names as the payment events ({@code timestamp}, {@code payment_id}, {@code acquirer_id}, {@code node}), so
 * that one search can span both indexes. Off by default ({@code switch.quickwit.logs.enabled}).
 *
 * <p>Best effort, never in the way: lines wait in a bounded queue and are dropped (and counted) when it is full
 * or when Quickwit refuses them; a daemon thread sends them in batches. Logging never blocks on Quickwit.
 */
public final class QuickwitLogShipper extends AppenderBase<ILoggingEvent> {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final AtomicLong DROPPED = new AtomicLong();

  private final BlockingQueue<byte[]> queue;
  private final String node;

  private QuickwitLogShipper(int queueSize, String node) {
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.node = node;
  }

  static void start(QuickwitClient client, QuickwitSettings.Logs settings, String node) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    QuickwitLogShipper appender = new QuickwitLogShipper(settings.queueSize(), node);
    appender.setContext(context);
    appender.setName("quickwit");
    appender.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    Thread sender = new Thread(() -> appender.sendLoop(client, settings), "quickwit-log-shipper");
    sender.setDaemon(true);
    sender.start();
  }

  /** The document of one log line. */
  static ObjectNode document(ILoggingEvent event, String node) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    doc.put("level", event.getLevel().toString());
    doc.put("logger", event.getLoggerName());
    doc.put("thread", event.getThreadName());
    doc.put("message", event.getFormattedMessage());
    Map<String, String> mdc = event.getMDCPropertyMap();
    for (String key : List.of("payment_id", "correlation_id", "acquirer_id")) {
      String value = mdc.get(key);
      if (value != null && !value.isEmpty()) {
        doc.put(key, value);
      }
    }
    doc.put("node", node);
    return doc;
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (!queue.offer((document(event, node).toString() + "\n").getBytes(StandardCharsets.UTF_8))) {
      DROPPED.incrementAndGet();
    }
  }

  private void sendLoop(QuickwitClient client, QuickwitSettings.Logs settings) {
    boolean indexReady = false;
    List<byte[]> batch = new ArrayList<>();
    while (isStarted()) {
      try {
        byte[] first = queue.poll(settings.linger().toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, settings.batchSize() - 1);
        if (!indexReady) {
          indexReady = client.ensureIndex(settings.indexConfig()).get(30, TimeUnit.SECONDS) == null;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        batch.forEach(body::writeBytes);
        QuickwitClient.IngestOutcome outcome =
            client.ingest(settings.indexId(), body.toByteArray(), "auto").get(60, TimeUnit.SECONDS);
        if (!(outcome instanceof QuickwitClient.Accepted)) {
          DROPPED.addAndGet(batch.size());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        DROPPED.addAndGet(batch.size());
      }
      batch.clear();
    }
  }

  /** Detaches the appender; for tests that start several nodes in one JVM. */
  public static void stopAll() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var appender = root.getAppender("quickwit");
    if (appender != null) {
      root.detachAppender(appender);
      appender.stop();
    }
  }
}
