package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The node's {@code logback.xml}: JSON lines unless {@code SWITCH_LOG_FORMAT=text} (which {@code bin/switch} sets in
 * a terminal), readable lines then, with the payment id of the MDC.
 */
class LogFormatTest {

  private static List<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> rootAppenders(String format)
      throws Exception {
    LoggerContext context = new LoggerContext();
    if (format != null) {
      context.putProperty("SWITCH_LOG_FORMAT", format);
    }
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormatTest.class.getClassLoader().getResource("logback.xml"));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    List<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> appenders = new ArrayList<>();
    for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = root.iteratorForAppenders();
        it.hasNext(); ) {
      appenders.add(it.next());
    }
    return appenders;
  }

  @Test
  void jsonLinesByDefaultAndReadableLinesWhenAsked() throws Exception {
    List<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> json = rootAppenders(null);
    assertThat(json).singleElement().satisfies(a ->
        assertThat(((ConsoleAppender<?>) a).getEncoder()).isInstanceOf(JsonEncoder.class));

    List<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> text = rootAppenders("text");
    assertThat(text).singleElement().satisfies(a -> {
      PatternLayoutEncoder encoder = (PatternLayoutEncoder) ((ConsoleAppender<?>) a).getEncoder();
      ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent(
          "x", (Logger) org.slf4j.LoggerFactory.getLogger("dev.switchyard.payment.PaymentEntity"),
          ch.qos.logback.classic.Level.INFO, "approved", null, null);
      MDC.put("payment_id", "pay_0123456789abcdef0123456789abcdef");
      try {
        event.setMDCPropertyMap(MDC.getCopyOfContextMap());
      } finally {
        MDC.remove("payment_id");
      }
      String line = encoder.getLayout().doLayout(event);
      assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  d\\.s\\.p\\.PaymentEntity "
          + "pay_0123456789abcdef0123456789abcdef approved\\R");
    });
  }
}
