-- Reserved: 010 belongs to another helper's branch (issues 11, 12). This placeholder lets 011 apply
-- on the cards branch alone; delete it when merging that branch's 010_*.sql.
SELECT 1;
