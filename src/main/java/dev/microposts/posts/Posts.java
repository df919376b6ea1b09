package dev.microposts.posts;

import java.util.List;

/** The posts module as other modules see it. */
public interface Posts {

    /** The author's most recent microposts, newest first, at most {@code limit}; empty for unknown authors. */
    List<Micropost> recentBy(String author, int limit);
}
