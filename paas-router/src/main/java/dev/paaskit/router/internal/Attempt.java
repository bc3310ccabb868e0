package dev.paaskit.router.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Protocol;

/**
 * What happened to one try of a request at one backend: whether connecting failed, which makes
 * it safe to send the request to another backend (nothing reached the first one). It rides on
 * the OkHttp request as a tag and is that call's event listener.
 */
final class Attempt extends EventListener {
  /** Gives each call the attempt tagged on its request, and no listener to other calls. */
  static final EventListener.Factory FACTORY = call -> {
    Attempt attempt = call.request().tag(Attempt.class);
    return attempt != null ? attempt : EventListener.NONE;
  };

  private volatile boolean connectFailed;

  boolean connectFailed() {
    return connectFailed;
  }

  @Override
  public void connectFailed(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol,
      IOException failure) {
    connectFailed = true;
  }
}
