package dev.switchyard.gateway;

import dev.switchyard.protocol.codec.FrameCodecs;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of an acquirer connection, in a fixed order: TLS when enabled, idle detection, the frame
 * codec (frame decoder,
 * Protobuf decoder, length prepender, Protobuf encoder), the hello handler (which becomes admission and requests
 * once the acquirer is known), and the error handler last. New handlers for every connection.
 */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

  private final GatewaySettings settings;
  private final NodeLoad node;
  private final GatewayStats stats;
  private final RequestValidator validator;
  private final RequestMapper mapper;
  private final GatewayBackend backend;
  private final ChannelGroup connections;
  private final GatewayTls tls;
  private final AcquirerLimits limits;

  GatewayInitializer(GatewaySettings settings, NodeLoad node, GatewayStats stats, RequestValidator validator,
      RequestMapper mapper, GatewayBackend backend, ChannelGroup connections, GatewayTls tls) {
    this.tls = tls;
    this.limits = new AcquirerLimits(settings.limits());
    this.settings = settings;
    this.node = node;
    this.stats = stats;
    this.validator = validator;
    this.mapper = mapper;
    this.backend = backend;
    this.connections = connections;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (node.draining()) {
      ch.close();
      return;
    }
    connections.add(ch);
    if (tls != null) {
      SslHandler ssl = tls.newHandler(ch.alloc());
      ssl.setHandshakeTimeoutMillis(settings.helloTimeout().toMillis());
      ch.pipeline().addLast("tls", ssl);
    }
    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    FrameCodecs.server(ch.pipeline(), settings.maxFrameBytes());
    ch.pipeline().addLast("hello", new HelloHandler(settings, stats, backend.nodeName(), tls, session()));
    ch.pipeline().addLast("errors", new ConnectionErrors());
  }

  HelloHandler.Session session() {
    return new HelloHandler.Session() {
      @Override
      public AdmissionHandler admission(String acquirerId) {
        return new AdmissionHandler(acquirerId, settings, node, stats, limits);
      }

      @Override
      public AcquirerLimits limits() {
        return limits;
      }

      @Override
      public RequestHandler requests(String acquirerId) {
        return new RequestHandler(acquirerId, settings, validator, mapper, backend);
      }
    };
  }
}
