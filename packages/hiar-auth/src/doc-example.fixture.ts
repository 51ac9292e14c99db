// The worked example of HiAR's API access guide (doc-993574), reproduced byte for byte.
export const DOC = {
  secret: "IkcyCWpRxjCztzvOjHdLKKfgTpzmCqQ1",
  method: "get",
  path: "/account/v1/user",
  query: "page=1&limit=10",
  appId: "hiar1d98ncv515f5e1",
  date: "2022-07-05T17:46:33+08:00",
  nonce: "5a71e2ec-fc47-11ec-81db-acde48001122",
  signingString:
    "get\n/account/v1/user\npage=1&limit=10\nhiar1d98ncv515f5e1\n2022-07-05T17:46:33+08:00\n5a71e2ec-fc47-11ec-81db-acde48001122\n",
  signature: "+TfnNKz8XTvZJNpFSrnlLk+3m1swS+jhRuKxemo7YLQ=",
  signatureUpperMethod: "OTpwFYCBb/Stn+sSTfwTfFA3F1bXqbd9VDWdT1uXLsc=",
  signatureSortedQuery: "Gw6ZkLeLPM3PFpq686ZjCK5v+Uyece4LJIBTi/Jh/FY=",
} as const;
