package dev.switchyard.protocol.client;

import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A client of several gateways. It talks to one at a time; when that connection drops, or the node answers
 * SHUTTING_DOWN or TIMEOUT or sends a reconnect notice, it moves to the next address and sends the request again
 * with the same request_id. That is safe because the switch answers a repeated request_id with the original outcome, so
 * an operation whose answer was lost in the failover is not done twice.
 */
public final class FailoverClient implements AutoCloseable {

  private final List<InetSocketAddress> hosts;
  private final String acquirer;
  private final String secret;
  private final int maxAttempts;
  private final EventLoopGroup group;
  private final boolean ownGroup;
  private final ExecutorService retries = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "switch-client-failover");
    t.setDaemon(true);
    return t;
  });
  private volatile SwitchClient current;
  private int next;
  private volatile boolean moveRequested;
  private volatile ClientTls tls;

  /** {@code first} is the index in {@code hosts} to try first, so many clients can spread over the nodes. */
  public FailoverClient(List<InetSocketAddress> hosts, int first, String acquirer, String secret, int maxAttempts,
      EventLoopGroup group) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one gateway address is needed");
    }
    this.hosts = List.copyOf(hosts);
    this.next = Math.floorMod(first, hosts.size());
    this.acquirer = acquirer;
    this.secret = secret;
    this.maxAttempts = maxAttempts;
    this.ownGroup = group == null;
    this.group = group != null ? group : new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  /** Connects over TLS from now on; null for plain TCP. */
  public FailoverClient tls(ClientTls tls) {
    this.tls = tls;
    return this;
  }

  /** Connects (and says hello) now, so that a wrong address or secret shows up before the first request. */
  public FailoverClient open() throws IOException {
    connection();
    return this;
  }

  /**
   * Sends a request; retries elsewhere, with the same request_id, when its connection fails. While the connection
   * is up the request is written from the calling thread and the returned future completes on the connection's
   * event loop, so callbacks must not block; connecting and retrying happen on this client's own thread.
   */
  public CompletableFuture<AcquirerResponse> send(AcquirerRequest.Builder request) {
    return attempt(request, 1);
  }

  private CompletableFuture<AcquirerResponse> attempt(AcquirerRequest.Builder request, int attempt) {
    SwitchClient ready = usable();
    if (ready != null) {
      return sendOn(ready, request, attempt);
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        return connection();
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, retries).handle((client, failure) -> failure == null ? sendOn(client, request, attempt)
        : attempt >= maxAttempts ? CompletableFuture.<AcquirerResponse>failedFuture(failure)
        : attempt(request, attempt + 1)).thenCompose(f -> f);
  }

  private CompletableFuture<AcquirerResponse> sendOn(SwitchClient client, AcquirerRequest.Builder request,
      int attempt) {
    return client.send(request.clone()).handle((answer, failure) -> {
      // Lost connection, node leaving, or no answer in time: the outcome is unknown or nothing was done, and the
      // same request_id makes a retry safe either way.
      boolean moved = failure != null || answer.getResult() == ResultCode.SHUTTING_DOWN
          || answer.getResult() == ResultCode.TIMEOUT;
      if (!moved) {
        return CompletableFuture.completedFuture(answer);
      }
      abandon(client);
      if (attempt >= maxAttempts) {
        return failure != null ? CompletableFuture.<AcquirerResponse>failedFuture(failure)
            : CompletableFuture.completedFuture(answer);
      }
      // Connecting waits for the new session's hello: never on the event loop this answer came in on.
      return CompletableFuture.supplyAsync(() -> attempt(request, attempt + 1), retries).thenCompose(f -> f);
    }).thenCompose(f -> f);
  }

  /** The current connection if it is open and no move to another node was asked for; otherwise null. */
  private SwitchClient usable() {
    SwitchClient client = current;
    return client != null && client.isOpen() && !moveRequested ? client : null;
  }

  private synchronized SwitchClient connection() throws IOException {
    SwitchClient usable = usable();
    if (usable != null) {
      return usable;
    }
    moveRequested = false;
    IOException last = null;
    for (int i = 0; i < hosts.size(); i++) {
      InetSocketAddress host = hosts.get(next);
      next = (next + 1) % hosts.size();
      try {
        SwitchClient client = SwitchClient.connect(group, host.getHostString(), host.getPort(), Duration.ofSeconds(3),
            tls);
        AcquirerResponse hello = client.hello(acquirer, secret).get(10, TimeUnit.SECONDS);
        if (hello.getResult() != ResultCode.APPROVED) {
          client.close();
          throw new IOException("hello refused by " + host + ": " + hello.getResult() + " " + hello.getReason());
        }
        client.onUnsolicited(notice -> {
          if (notice.hasReconnect() || notice.getResult() == ResultCode.SHUTTING_DOWN) {
            moveRequested = true;
          }
        });
        current = client;
        return client;
      } catch (IOException e) {
        last = e;
      } catch (Exception e) {
        last = new IOException("cannot open a session with " + host + ": " + e, e);
      }
    }
    throw last;
  }

  // Called on an event loop: it must not wait for the lock that connection() holds while it waits for that same
  // event loop to connect and say hello.
  private void abandon(SwitchClient client) {
    if (current == client) {
      moveRequested = true;
    }
  }

  @Override
  public synchronized void close() {
    if (current != null) {
      current.close();
    }
    retries.shutdownNow();
    if (ownGroup) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }
}
