-- A follow's backfill (the followee's recent microposts copied into the follower's timeline) runs in
-- a transaction after the one that applied the follow. Whether it is still to do is kept with the
-- pair, so that whichever process applies the follow event next finishes it: the same process after
-- a failure, or the other side of a migration that moved the timeline's writes in between.
ALTER TABLE timeline_follow_revisions ADD COLUMN backfill_pending BOOLEAN DEFAULT FALSE NOT NULL;
