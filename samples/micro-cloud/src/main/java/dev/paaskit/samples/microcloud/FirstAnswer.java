package dev.paaskit.samples.microcloud;

import dev.paaskit.api.Event;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Waits for the router's first 200 for a host, as the demo and the push benchmark measure it. */
public final class FirstAnswer {
  /** A route's registration is no event, so the router is asked again at least this often. */
  private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private FirstAnswer() {}

  /**
   * Asks the router for {@code host} after every event of the cloud, and at least every few
   * milliseconds, until it answers 200; returns the nanoTime it did.
   *
   * @param failFast called before each try; throws to give up early, as when the push failed
   * @throws IllegalStateException once {@code deadlineNanos} (a nanoTime) has passed
   */
  public static long await(OkHttpClient http, int routerPort, String host, BlockingQueue<Event> events,
      long deadlineNanos, Runnable failFast) throws InterruptedException {
    Request request = new Request.Builder().url("http://127.0.0.1:" + routerPort + "/")
        .header("Host", host).build();
    while (true) {
      failFast.run();
      try (Response r = http.newCall(request).execute()) {
        if (r.code() == 200) {
          return System.nanoTime();
        }
      } catch (IOException e) {
        // The router may be up before the app; anything but a 200 means "not yet".
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new IllegalStateException("no 200 from " + host + " through the router in time");
      }
      events.poll(RECHECK_NANOS, TimeUnit.NANOSECONDS);
    }
  }
}
