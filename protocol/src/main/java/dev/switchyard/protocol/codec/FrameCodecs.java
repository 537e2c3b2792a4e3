package dev.switchyard.protocol.codec;

import com.google.protobuf.MessageLite;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;

/**
 * The acquirer protocol's pipeline, in Netty's usual order: frame decoder, Protobuf decoder, length prepender,
 * Protobuf encoder. Server and client differ only in which message they decode.
 */
public final class FrameCodecs {

  /** Default largest frame, in bytes. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

  private FrameCodecs() {}

  /** Adds the server side: decodes {@link AcquirerRequest}, encodes responses. */
  public static void server(ChannelPipeline pipeline, int maxFrameBytes) {
    add(pipeline, maxFrameBytes, AcquirerRequest.getDefaultInstance());
  }

  /** Adds the client side: decodes {@link AcquirerResponse}, encodes requests. */
  public static void client(ChannelPipeline pipeline, int maxFrameBytes) {
    add(pipeline, maxFrameBytes, AcquirerResponse.getDefaultInstance());
  }

  private static void add(ChannelPipeline pipeline, int maxFrameBytes, MessageLite prototype) {
    pipeline.addLast("frame-decoder", new DelimitedFrameDecoder(maxFrameBytes));
    pipeline.addLast("protobuf-decoder", new ProtobufDecoder(prototype));
    pipeline.addLast("frame-prepender", new ProtobufVarint32LengthFieldPrepender());
    pipeline.addLast("protobuf-encoder", new ProtobufEncoder());
  }
}
