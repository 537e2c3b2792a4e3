package dev.switchyard.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.GetPayment;
import dev.switchyard.protocol.v1.Hello;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class FrameCodecsTest {

  private static EmbeddedChannel server(int max) {
    EmbeddedChannel channel = new EmbeddedChannel();
    FrameCodecs.server(channel.pipeline(), max);
    return channel;
  }

  private static byte[] delimited(AcquirerRequest request) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    request.writeDelimitedTo(out);
    return out.toByteArray();
  }

  private static final AcquirerRequest HELLO = AcquirerRequest.newBuilder().setCorrelationId(7)
      .setHello(Hello.newBuilder().setAcquirerId("demo").setSecret("s")).build();

  @Test
  void aFrameWrittenByWriteDelimitedToRoundTrips() throws IOException {
    EmbeddedChannel channel = server(1024);
    assertThat(channel.writeInbound(Unpooled.wrappedBuffer(delimited(HELLO)))).isTrue();
    assertThat((AcquirerRequest) channel.readInbound()).isEqualTo(HELLO);
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void aFrameSplitAcrossReadsIsReassembled() throws IOException {
    byte[] bytes = delimited(HELLO);
    EmbeddedChannel channel = server(1024);
    for (byte b : bytes) {
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertThat((AcquirerRequest) channel.readInbound()).isEqualTo(HELLO);
  }

  @Test
  void severalFramesInOneReadAreAllDecoded() throws IOException {
    AcquirerRequest get = AcquirerRequest.newBuilder().setCorrelationId(8)
        .setGet(GetPayment.newBuilder().setPaymentId("p")).build();
    ByteBuf both = Unpooled.wrappedBuffer(delimited(HELLO), delimited(get));
    EmbeddedChannel channel = server(1024);
    channel.writeInbound(both);
    assertThat((AcquirerRequest) channel.readInbound()).isEqualTo(HELLO);
    assertThat((AcquirerRequest) channel.readInbound()).isEqualTo(get);
  }

  @Test
  void anOversizedLengthPrefixIsRefusedBeforeItsBodyArrives() {
    EmbeddedChannel channel = server(64);
    // 1,000,000 as a varint, and no body at all: the decoder must not wait for a megabyte.
    ByteBuf prefix = Unpooled.wrappedBuffer(new byte[] {(byte) 0xc0, (byte) 0x84, 0x3d});
    assertThatThrownBy(() -> channel.writeInbound(prefix))
        .isInstanceOf(TooLongFrameException.class).hasMessageContaining("1000000").hasMessageContaining("64");
  }

  @Test
  void aMalformedLengthPrefixIsRefused() {
    EmbeddedChannel channel = server(64);
    ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff});
    assertThatThrownBy(() -> channel.writeInbound(garbage)).isInstanceOf(CorruptedFrameException.class);
  }

  @Test
  void garbageInsideAFrameFailsProtobufDecoding() {
    EmbeddedChannel channel = server(64);
    ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {4, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertThatThrownBy(() -> channel.writeInbound(frame)).isInstanceOf(DecoderException.class);
  }

  @Test
  void aTruncatedFrameProducesNothing() throws IOException {
    byte[] bytes = delimited(HELLO);
    EmbeddedChannel channel = server(1024);
    channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, bytes.length - 1));
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void afterABadFrameEverythingElseIsDiscarded() throws IOException {
    EmbeddedChannel channel = server(8);
    ByteBuf bad = Unpooled.wrappedBuffer(new byte[] {100});
    assertThatThrownBy(() -> channel.writeInbound(bad)).isInstanceOf(TooLongFrameException.class);
    channel.writeInbound(Unpooled.wrappedBuffer(delimited(HELLO)));
    assertThat((Object) channel.readInbound()).isNull();
  }
}
