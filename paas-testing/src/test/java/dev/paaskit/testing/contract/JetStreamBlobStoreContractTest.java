package dev.paaskit.testing.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.nats.JetStreamBlobStore;
import dev.paaskit.nats.NatsSettings;
import dev.paaskit.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.StreamInfoOptions;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The JetStream object-store blob store on a real nats-server, a fresh bucket per test. */
class JetStreamBlobStoreContractTest extends BlobStoreContract {
  private static final AtomicInteger buckets = new AtomicInteger();
  private static NatsServer server;
  private static Connection connection;
  private String bucket;

  @BeforeAll
  static void startServer() throws IOException {
    server = NatsServer.start();
    connection = NatsSettings.of(server.url()).connect();
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    connection.close();
    server.close();
  }

  @Override
  protected BlobStore newStore() throws IOException {
    bucket = "contract-" + buckets.incrementAndGet();
    return JetStreamBlobStore.open(connection, bucket);
  }

  /** Every chunk in the stream belongs to a live blob: failed and duplicate puts left none. */
  @Override
  protected void assertNothingLeftBehind() throws Exception {
    JetStreamManagement jsm = connection.jetStreamManagement();
    String stream = "OBJ_" + bucket;
    String chunkPrefix = "$O." + bucket + ".C.";
    Set<String> chunkSubjects = new TreeSet<>();
    Set<String> liveChunkSubjects = new TreeSet<>();
    for (String subject : jsm.getStreamInfo(stream, StreamInfoOptions.allSubjects())
        .getStreamState().getSubjectMap().keySet()) {
      if (subject.startsWith(chunkPrefix)) {
        chunkSubjects.add(subject);
      } else {
        ObjectInfo info = new ObjectInfo(jsm.getLastMessage(stream, subject));
        if (!info.isDeleted() && info.getChunks() > 0) {
          liveChunkSubjects.add(chunkPrefix + info.getNuid());
        }
      }
    }
    assertEquals(liveChunkSubjects, chunkSubjects, "chunks that belong to no live blob");
  }
}
