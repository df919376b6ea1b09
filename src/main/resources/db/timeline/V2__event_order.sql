-- Events may arrive in any order and more than once; what the timeline applied is kept so that a
-- late one changes nothing: the revision of each micropost copy, the microposts that were deleted
-- (ids are never reused), and the revision of each follow pair's last change.
ALTER TABLE timeline_posts ADD COLUMN revision BIGINT DEFAULT 0 NOT NULL;

CREATE TABLE timeline_deleted_posts (
    post_id BIGINT NOT NULL PRIMARY KEY
);

CREATE TABLE timeline_follow_revisions (
    follower  VARCHAR(50) NOT NULL,
    followee  VARCHAR(50) NOT NULL,
    revision  BIGINT      NOT NULL,
    following BOOLEAN     NOT NULL,
    PRIMARY KEY (follower, followee)
);
