package dev.switchyard.gateway;

import com.typesafe.config.Config;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Abuse limits of this node's gateway ({@code switch.gateway.limits}): requests per period per acquirer
 * (resilience4j rate limiters, one per acquirer, shared by its connections), connections per acquirer, and failed
 * hellos per source address. Each node counts its own: an acquirer connected to three nodes may send three times
 * its limit to the cluster.
 */
final class AcquirerLimits {

  /** One acquirer's limits; 0 is no limit. */
  record Limit(int requests, Duration period, int connections) {}

  /** {@code switch.gateway.limits}, read once at start. */
  record Settings(Limit defaults, Map<String, Limit> acquirers, int failedHellos, Duration failedHelloWindow) {

    static Settings create(Config gateway) {
      Config l = gateway.getConfig("limits");
      Limit defaults = limit(l, l, "switch.gateway.limits");
      Map<String, Limit> acquirers = new HashMap<>();
      Config per = l.getConfig("acquirers");
      for (String id : per.root().keySet()) {
        acquirers.put(id, limit(per.getConfig("\"" + id + "\"").withFallback(l), l,
            "switch.gateway.limits.acquirers." + id));
      }
      int failed = l.getInt("failed-hellos");
      if (failed < 0) {
        throw new IllegalArgumentException("switch.gateway.limits.failed-hellos: 0 or more, not " + failed);
      }
      return new Settings(defaults, Map.copyOf(acquirers), failed, positive(l, "failed-hello-window",
          "switch.gateway.limits"));
    }

    private static Limit limit(Config c, Config defaults, String where) {
      int requests = c.getInt("requests-per-period");
      int connections = c.getInt("connections");
      if (requests < 0 || connections < 0) {
        throw new IllegalArgumentException(where + ": requests-per-period and connections are 0 (no limit) or more");
      }
      return new Limit(requests, positive(c, "period", where), connections);
    }

    private static Duration positive(Config c, String key, String where) {
      Duration d = c.getDuration(key);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(where + "." + key + ": must be positive, not " + d);
      }
      return d;
    }

    static Settings none() {
      Limit none = new Limit(0, Duration.ofSeconds(1), 0);
      return new Settings(none, Map.of(), 0, Duration.ofMinutes(1));
    }

    Limit of(String acquirer) {
      return acquirers.getOrDefault(acquirer, defaults);
    }
  }

  /** Source addresses remembered for their failed hellos; the least recently seen is forgotten first. */
  private static final int REMEMBERED_ADDRESSES = 10_000;

  private final Settings settings;
  private final Map<String, RateLimiter> requests = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
  private final Map<InetAddress, RateLimiter> failedHellos =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, RateLimiter> eldest) {
          return size() > REMEMBERED_ADDRESSES;
        }
      };

  AcquirerLimits(Settings settings) {
    this.settings = settings;
  }

  /** 0 when the acquirer may send one more request now; otherwise how long until it may, in ms (at least 1). */
  long refuseRequestFor(String acquirer) {
    Limit limit = settings.of(acquirer);
    if (limit.requests() == 0) {
      return 0;
    }
    RateLimiter limiter = requests.computeIfAbsent(acquirer, id -> limiter("acquirer-" + id, limit.requests(),
        limit.period()));
    return limiter.acquirePermission() ? 0 : waitMillis(limiter);
  }

  /** The limit that {@link #refuseRequestFor} applies, in words. */
  String requestLimit(String acquirer) {
    Limit limit = settings.of(acquirer);
    return limit.requests() + " requests per " + limit.period().toMillis() + " ms";
  }

  /** Counts a new session of {@code acquirer}; false (and nothing counted) when it has its most already. */
  boolean openConnection(String acquirer) {
    int max = settings.of(acquirer).connections();
    AtomicInteger open = connections.computeIfAbsent(acquirer, id -> new AtomicInteger());
    if (max == 0) {
      open.incrementAndGet();
      return true;
    }
    while (true) {
      int now = open.get();
      if (now >= max) {
        return false;
      }
      if (open.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void closeConnection(String acquirer) {
    AtomicInteger open = connections.get(acquirer);
    if (open != null) {
      open.decrementAndGet();
    }
  }

  int connectionLimit(String acquirer) {
    return settings.of(acquirer).connections();
  }

  /** 0 when a hello from {@code from} may be checked; otherwise how long its address is refused, in ms. */
  long refuseHelloFor(SocketAddress from) {
    if (settings.failedHellos() == 0 || !(from instanceof InetSocketAddress inet)) {
      return 0;
    }
    RateLimiter limiter;
    synchronized (failedHellos) {
      limiter = failedHellos.get(inet.getAddress());
    }
    return limiter == null || limiter.getMetrics().getAvailablePermissions() > 0 ? 0 : waitMillis(limiter);
  }

  /** Counts a failed hello against its source address. */
  void helloFailed(SocketAddress from) {
    if (settings.failedHellos() == 0 || !(from instanceof InetSocketAddress inet)) {
      return;
    }
    RateLimiter limiter;
    synchronized (failedHellos) {
      limiter = failedHellos.computeIfAbsent(inet.getAddress(), a -> limiter("hellos-" + a.getHostAddress(),
          settings.failedHellos(), settings.failedHelloWindow()));
    }
    limiter.acquirePermission();
  }

  String helloLimit() {
    return settings.failedHellos() + " failed hellos per " + settings.failedHelloWindow().toMillis() + " ms";
  }

  private static RateLimiter limiter(String name, int permits, Duration period) {
    return RateLimiter.of(name, RateLimiterConfig.custom().limitForPeriod(permits).limitRefreshPeriod(period)
        .timeoutDuration(Duration.ZERO).build());
  }

  private static long waitMillis(RateLimiter limiter) {
    long nanos = limiter instanceof AtomicRateLimiter atomic ? atomic.getDetailedMetrics().getNanosToWait()
        : limiter.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos) + 1);
  }
}
