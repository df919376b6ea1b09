-- Every change of a micropost gets the next revision: its events carry it, so a consumer that
-- gets them out of order keeps the newest (an older update arriving late changes nothing).
ALTER TABLE posts_microposts ADD COLUMN revision BIGINT DEFAULT 1 NOT NULL;
