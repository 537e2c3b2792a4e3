package dev.switchyard.gateway;

import dev.switchyard.protocol.v1.ResultCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection: flushes once per read batch, and turns a failure into one answer where
 * one can be written and the close of this connection only. Frame errors say what was wrong with the frame;
 * Protobuf errors are summarized, never echoed; a TLS failure closes the connection without an answer.
 */
final class ConnectionErrors extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ConnectionErrors.class);

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    String tls = tlsFailure(cause);
    if (tls != null) {
      // Nothing can be answered: there is no TLS session to answer in.
      log.warn("Closing connection from {}: TLS refused ({})", ctx.channel().remoteAddress(), tls);
      ctx.close();
    } else if (cause instanceof DecoderException) {
      String reason = cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException
          ? cause.getMessage()
          : "malformed Protobuf message";
      log.warn("Closing connection from {}: bad frame ({})", ctx.channel().remoteAddress(), reason);
      Responses.closeWith(ctx, Responses.refusal(0, ResultCode.INVALID_REQUEST, "frame", reason));
    } else if (cause instanceof IOException) {
      ctx.close();
    } else {
      log.error("Closing connection from {} after an unexpected failure", ctx.channel().remoteAddress(), cause);
      ctx.close();
    }
  }

  /** What went wrong with TLS, or null when it was something else. Never the bytes received. */
  private static String tlsFailure(Throwable cause) {
    Throwable ssl = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (ssl instanceof NotSslRecordException) {
      return "not a TLS record: a plain client?";
    }
    return ssl instanceof SSLException ? ssl.getClass().getSimpleName() + ": " + ssl.getMessage() : null;
  }
}
