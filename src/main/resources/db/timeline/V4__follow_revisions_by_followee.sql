-- a creation is settled against the unfollows of its author (Timelines.settleCreated)
CREATE INDEX timeline_follow_revisions_by_followee ON timeline_follow_revisions (followee, following);
