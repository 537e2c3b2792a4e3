package dev.switchyard.loadtest;

import dev.switchyard.protocol.client.ClientTls;
import dev.switchyard.protocol.client.FailoverClient;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one open-loop load: arrivals at a fixed rate spread over the connections, each arrival a payment
 * following the workload; every answer recorded from its intended send time. After the run it waits for the
 * outstanding answers (at most the drain timeout); those that never come are reported as missing.
 */
public final class LoadRunner {

  /** An acquirer's credentials. */
  public record Credentials(String id, String secret) {}

  /** What to run. */
  public record Settings(
      List<InetSocketAddress> hosts, double rate, Duration duration, Duration warmup, int connections,
      List<Credentials> acquirers, Workload workload, Duration drainTimeout, long seed, ClientTls tls) {}

  private LoadRunner() {}

  public static RunResult run(Settings settings) throws Exception {
    return run(settings, NanoClock.SYSTEM);
  }

  public static RunResult run(Settings settings, NanoClock clock) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    List<FailoverClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < settings.connections(); i++) {
        Credentials acquirer = settings.acquirers().get(i % settings.acquirers().size());
        // Connection i starts on host i; when its node goes away it moves on and retries with the same request_id.
        clients.add(new FailoverClient(settings.hosts(), i, acquirer.id(), acquirer.secret(),
            2 * settings.hosts().size() + 1, group).tls(settings.tls()).open());
      }
      return drive(settings, clock, clients);
    } finally {
      clients.forEach(FailoverClient::close);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

  private static RunResult drive(Settings settings, NanoClock clock, List<FailoverClient> clients) {
    long warmupNanos = settings.warmup().toNanos();
    long durationNanos = settings.duration().toNanos();
    long start = clock.nanoTime() + 50_000_000L;
    long measureStart = start + warmupNanos;
    long end = measureStart + durationNanos;
    Pacer pacer = new Pacer(start, settings.rate());
    int seconds = (int) Math.ceil(durationNanos / 1e9);
    Stats warm = new Stats(start, (int) Math.ceil(warmupNanos / 1e9));
    Stats stats = new Stats(measureStart, seconds);
    AtomicLong outstanding = new AtomicLong();
    SplittableRandom random = new SplittableRandom(settings.seed());
    String run = Long.toString(System.currentTimeMillis(), 36) + "-" + Long.toString(settings.seed() & 0xffff, 36);
    long maxLagNanos = 0;
    long firstMeasured = -1;
    long lastMeasured = -1;
    CpuUse.Reading cpuFrom = null;
    for (long i = 0; ; i++) {
      long due = pacer.dueNanos(i);
      if (due >= end) {
        break;
      }
      clock.sleepUntil(due);
      long now = clock.nanoTime();
      boolean measured = due >= measureStart;
      if (measured) {
        maxLagNanos = Math.max(maxLagNanos, now - due);
        if (firstMeasured < 0) {
          firstMeasured = now;
          cpuFrom = CpuUse.Reading.now();
        }
        lastMeasured = now;
      }
      Arrival arrival = new Arrival(settings.workload(), measured ? stats : warm,
          clients.get((int) (i % clients.size())), outstanding, clock, random.split(), run + "-" + i);
      arrival.start(due);
    }
    CpuUse cpu = cpuFrom == null ? null : CpuUse.between(cpuFrom, CpuUse.Reading.now());
    long drainDeadline = clock.nanoTime() + settings.drainTimeout().toNanos();
    while (outstanding.get() > 0 && clock.nanoTime() < drainDeadline) {
      clock.sleepUntil(Math.min(drainDeadline, clock.nanoTime() + 10_000_000L));
    }
    long planned = pacer.arrivalsWithin(end - start) - pacer.arrivalsWithin(measureStart - start);
    double sendSeconds = firstMeasured < 0 ? 0 : Math.max(1e-9, (lastMeasured - firstMeasured) / 1e9);
    return RunResult.of(settings, stats, planned, outstanding.get(), sendSeconds, maxLagNanos, cpu);
  }

  /** One payment's life: its first request, then the follow-ups its answers allow. */
  private record Arrival(Workload workload, Stats stats, FailoverClient client, AtomicLong outstanding,
      NanoClock clock, SplittableRandom random, String reference) {

    void start(long due) {
      boolean invalid = workload.invalid(random);
      long amount = Workload.amount(random);
      Stats.Op op = invalid ? Stats.Op.INVALID : Stats.Op.AUTHORIZE;
      send(op, workload.first(reference, amount, random, invalid), due, answer -> {
        if (!invalid && answer.getResult() == ResultCode.APPROVED) {
          Workload.Step next = workload.after(reference, answer.getPayment().getPaymentId(), amount, random);
          follow(next);
        }
      });
    }

    private void follow(Workload.Step step) {
      if (step == null) {
        return;
      }
      // A follow-up becomes possible when the previous answer arrives: that is its intended time.
      send(step.op(), step.request(), clock.nanoTime(), answer -> {
        if (answer.getResult() == ResultCode.APPROVED) {
          follow(step.then());
        }
      });
    }

    private void send(Stats.Op op, AcquirerRequest.Builder request, long due,
        java.util.function.Consumer<AcquirerResponse> then) {
      outstanding.incrementAndGet();
      stats.sent();
      client.send(request).whenComplete((answer, failure) -> {
        long now = clock.nanoTime();
        if (failure != null) {
          stats.failed(now);
        } else {
          ResultCode expected = op == Stats.Op.INVALID ? ResultCode.INVALID_REQUEST : ResultCode.APPROVED;
          stats.answered(op, answer.getResult(), due, now, answer.getResult() != expected);
          then.accept(answer);
        }
        outstanding.decrementAndGet();
      });
    }
  }
}
