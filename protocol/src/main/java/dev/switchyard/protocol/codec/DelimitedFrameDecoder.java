package dev.switchyard.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the stream into frames prefixed by their length as a protobuf varint32 (what {@code writeDelimitedTo}
 * writes). Netty's own {@code ProtobufVarint32FrameDecoder} has no size limit, so a client could make the server
 * buffer up to 2 GiB; this decoder refuses any frame longer than {@code maxFrameBytes} as soon as the prefix is
 * read. After the first bad frame it discards everything: the connection is beyond repair and is closed by the
 * handler that receives the exception.
 */
public final class DelimitedFrameDecoder extends ByteToMessageDecoder {

  private final int maxFrameBytes;
  private boolean failed;

  public DelimitedFrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be positive");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int start = in.readerIndex();
    long length = readVarint32(in);
    if (length == NEED_MORE) {
      in.readerIndex(start);
      return;
    }
    if (length == MALFORMED) {
      failed = true;
      throw new CorruptedFrameException("malformed length prefix (varint32 longer than 5 bytes)");
    }
    if (length > maxFrameBytes) {
      failed = true;
      throw new TooLongFrameException("frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
    }
    if (length == 0) {
      failed = true;
      throw new CorruptedFrameException("empty frame");
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return;
    }
    out.add(in.readRetainedSlice((int) length));
  }

  private static final long NEED_MORE = -1;
  private static final long MALFORMED = -2;

  /** Reads an unsigned varint32; NEED_MORE when the bytes are not all there, MALFORMED when too long. */
  private static long readVarint32(ByteBuf in) {
    long result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!in.isReadable()) {
        return NEED_MORE;
      }
      byte b = in.readByte();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result & 0xffff_ffffL;
      }
    }
    return MALFORMED;
  }
}
