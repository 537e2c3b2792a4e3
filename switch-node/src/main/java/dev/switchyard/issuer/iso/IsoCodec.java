package dev.switchyard.issuer.iso;

import com.solab.iso8583.IsoMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToMessageCodec;
import java.text.ParseException;
import java.util.List;

/**
 * ISO 8583 messages on a TCP stream, each behind a 2-byte big-endian length (the usual network framing): the frame
 * decoder, the length prepender and this codec, in that order, for the link and for the simulator alike. A frame
 * that does not parse fails the connection with {@link CorruptedFrameException}; nothing of its content is echoed.
 */
public final class IsoCodec extends MessageToMessageCodec<ByteBuf, IsoMessage> {

  /** Adds the framing and the codec to {@code pipeline}; frames above {@code maxFrameBytes} fail the connection. */
  public static void add(ChannelPipeline pipeline, int maxFrameBytes) {
    pipeline.addLast("iso-frame", new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 2, 0, 2));
    pipeline.addLast("iso-length", new LengthFieldPrepender(2));
    pipeline.addLast("iso-codec", new IsoCodec());
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, IsoMessage message, List<Object> out) {
    out.add(ctx.alloc().buffer().writeBytes(IsoMessages.bytes(message)));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    try {
      out.add(IsoMessages.parse(ByteBufUtil.getBytes(frame)));
    } catch (ParseException e) {
      throw new CorruptedFrameException("an ISO 8583 frame that does not parse (" + frame.readableBytes()
          + " bytes)", e);
    }
  }
}
