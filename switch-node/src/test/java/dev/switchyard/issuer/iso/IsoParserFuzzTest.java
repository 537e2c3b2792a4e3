package dev.switchyard.issuer.iso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.solab.iso8583.IsoMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Fuzz tests of what an issuer can send: any bytes parse to a message or fail with a {@link ParseException}
 * (never another exception, never an error), and through the link's framing they become messages or one
 * decoder failure that closes that connection. In {@code mvn test} they replay the committed inputs under
 * {@code IsoParserFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} they fuzz.
 */
class IsoParserFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void parse(byte[] data) {
    try {
      IsoMessage m = IsoMessages.parse(data);
      assertThat(m).isNotNull();
      // What parsed can be written again (the link echoes fields of requests into its answers).
      assertThat(IsoMessages.bytes(m)).isNotNull();
    } catch (ParseException expected) {
      // Refused as a whole: the link closes that connection.
    }
  }

  /** Found by fuzzing: j8583 logged a message of an unknown type at ERROR, content and all. */
  @Test
  void aMessageOfATypeTheLinkDoesNotReadIsRefusedWithoutItsContentInALog() {
    Logger j8583 = (Logger) LoggerFactory.getLogger("com.solab.iso8583");
    Level before = j8583.getLevel();
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    j8583.addAppender(logged);
    j8583.setLevel(Level.ALL);
    try {
      byte[] message = "==4111111111111111 and more".getBytes(StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> IsoMessages.parse(message)).isInstanceOf(ParseException.class)
          .hasMessageContaining("message type");
      assertThat(logged.list).noneMatch(e -> e.getFormattedMessage().contains("4111111111111111"));
    } finally {
      j8583.detachAppender(logged);
      j8583.setLevel(before);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void framesFromAnIssuer(byte[] data) {
    List<Object> messages = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    EmbeddedChannel ch = new EmbeddedChannel();
    IsoCodec.add(ch.pipeline(), 4096);
    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        messages.add(msg);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failures.add(cause);
        ctx.close();
      }
    });
    ByteBuf in = Unpooled.wrappedBuffer(data);
    ch.writeInbound(in);
    ch.checkException();
    assertThat(messages).allMatch(IsoMessage.class::isInstance);
    assertThat(failures).allMatch(DecoderException.class::isInstance);
    ch.finishAndReleaseAll();
  }
}
