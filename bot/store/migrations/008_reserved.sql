-- Reserved: 008 belongs to another helper's branch (issue 11). This placeholder lets 010 apply
-- on the digests branch alone; delete it when merging that branch's 008_*.sql.
SELECT 1;
