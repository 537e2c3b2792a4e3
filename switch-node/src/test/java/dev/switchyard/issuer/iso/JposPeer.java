package dev.switchyard.issuer.iso;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jpos.core.SimpleConfiguration;
import org.jpos.iso.ISOChannel;
import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOServer;
import org.jpos.iso.ISOSource;
import org.jpos.iso.channel.PostChannel;
import org.jpos.iso.packager.ISO87BPackager;

/**
 * An issuer written by others: jPOS's {@code ISOServer} with its ISO 8583:1987 binary packager and a 2-byte
 * length header ({@code PostChannel}), in this JVM, on a loopback port. Records every message it receives; answers
 * by a policy the test sets: the response to send, how long to wait before sending it, or none.
 */
public final class JposPeer implements AutoCloseable {

  /** What to do with one request: send {@code response} after {@code delayMillis}, or nothing when null. */
  public record Answer(ISOMsg response, long delayMillis) {
    public static Answer now(ISOMsg response) {
      return new Answer(response, 0);
    }

    public static Answer never() {
      return new Answer(null, 0);
    }
  }

  final BlockingQueue<ISOMsg> received = new LinkedBlockingQueue<>();
  private final ISOServer server;
  private final int port;
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "jpos-issuer-replies");
    t.setDaemon(true);
    return t;
  });
  private volatile Function<ISOMsg, Answer> policy = JposPeer::approve;

  public JposPeer() throws Exception {
    this(0);
  }

  JposPeer(int onPort) throws Exception {
    server = new ISOServer(onPort, new PostChannel(new ISO87BPackager()), null);
    server.setConfiguration(new SimpleConfiguration());
    CompletableFuture<Integer> bound = new CompletableFuture<>();
    server.setSocketFactory(p -> {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
      bound.complete(socket.getLocalPort());
      return socket;
    });
    server.addISORequestListener((ISOSource source, ISOMsg request) -> {
      received.add(request);
      Answer answer = policy.apply(request);
      if (answer.response() != null) {
        later.schedule(() -> {
          try {
            source.send(answer.response());
          } catch (IOException | ISOException e) {
            // The connection went away first: the link counts the request as unanswered.
          }
        }, answer.delayMillis(), TimeUnit.MILLISECONDS);
      }
      return true;
    });
    Thread thread = new Thread(server, "jpos-issuer");
    thread.setDaemon(true);
    thread.start();
    port = bound.get(10, TimeUnit.SECONDS);
  }

  public int port() {
    return port;
  }

  public void answer(Function<ISOMsg, Answer> next) {
    this.policy = next;
  }

  /** The response jPOS makes of {@code request}, with response code {@code code} (and an approval code for 00). */
  public static ISOMsg response(ISOMsg request, String code) {
    try {
      ISOMsg r = (ISOMsg) request.clone();
      r.setResponseMTI();
      r.set(39, code);
      if ("0100".equals(request.getMTI()) && "00".equals(code)) {
        r.set(38, "A1B2C3");
      }
      return r;
    } catch (ISOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Answer approve(ISOMsg request) {
    return Answer.now(response(request, "00"));
  }

  /** The next message received, or fails after 10 s. */
  public ISOMsg next() throws InterruptedException {
    ISOMsg m = received.poll(10, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("the issuer received nothing in 10 s");
    }
    return m;
  }

  /** Drops every connection the switch opened. */
  void disconnectAll() throws IOException {
    String names = server.getISOChannelNames();
    if (names == null) {
      return;
    }
    for (String name : names.split(" ")) {
      ISOChannel channel = server.getISOChannel(name);
      if (channel != null) {
        channel.disconnect();
      }
    }
  }

  @Override
  public void close() {
    server.shutdown();
    later.shutdownNow();
  }
}
