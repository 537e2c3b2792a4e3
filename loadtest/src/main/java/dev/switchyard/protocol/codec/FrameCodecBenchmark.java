package dev.switchyard.protocol.codec;

import dev.switchyard.bench.BenchmarkBase;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Authorize;
import dev.switchyard.protocol.v1.CardData;
import dev.switchyard.protocol.v1.Money;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The gateway's codec path for one authorization: split the frame, parse the Protobuf request (inbound), and
 * encode a response with its length prefix (outbound), through the real pipeline on an embedded channel.
 */
@State(Scope.Thread)
public class FrameCodecBenchmark extends BenchmarkBase {

  private EmbeddedChannel channel;
  private byte[] frame;
  private AcquirerResponse response;

  @Setup
  public void setUp() throws IOException {
    channel = new EmbeddedChannel();
    FrameCodecs.server(channel.pipeline(), FrameCodecs.DEFAULT_MAX_FRAME_BYTES);
    AcquirerRequest request = AcquirerRequest.newBuilder()
        .setCorrelationId(123_456).setRequestId("req-7f3a9c2e-5b1d-4e8f-a6c4-2d9b8e7f1a3c")
        .setAuthorize(Authorize.newBuilder().setAcquirerReference("order-2026-11-23-000042")
            .setMerchantId("merchant-0042").setAmount(Money.newBuilder().setMinorUnits(12_345).setCurrency("EUR"))
            .setCard(CardData.newBuilder().setPan("4111111111111111").setExpiryMonth(12).setExpiryYear(2030)))
        .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    request.writeDelimitedTo(out);
    frame = out.toByteArray();
    response = AcquirerResponse.newBuilder().setCorrelationId(123_456).build();
  }

  @TearDown
  public void tearDown() {
    channel.finishAndReleaseAll();
  }

  @Benchmark
  public Object decodeRequest() {
    channel.writeInbound(Unpooled.wrappedBuffer(frame));
    return channel.readInbound();
  }

  @Benchmark
  public int encodeResponse() {
    channel.writeOutbound(response);
    ByteBuf encoded = channel.readOutbound();
    int size = encoded.readableBytes();
    encoded.release();
    return size;
  }
}
