-- the microposts that appear in some timeline, as the posts module last announced them
CREATE TABLE timeline_posts (
    post_id    BIGINT                   NOT NULL PRIMARY KEY,
    author     VARCHAR(50)              NOT NULL,
    text       VARCHAR(1024)            NOT NULL,
    referenced VARCHAR(50),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX timeline_posts_by_author ON timeline_posts (author, post_id);

-- one row per (timeline owner, micropost): the fan-out
CREATE TABLE timeline_entries (
    owner   VARCHAR(50) NOT NULL,
    post_id BIGINT      NOT NULL,
    PRIMARY KEY (owner, post_id)
);
CREATE INDEX timeline_entries_by_post ON timeline_entries (post_id);

-- the follow graph as the social module announced it
CREATE TABLE timeline_follows (
    follower VARCHAR(50) NOT NULL,
    followee VARCHAR(50) NOT NULL,
    PRIMARY KEY (followee, follower)
);
