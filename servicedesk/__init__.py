"""The service desk: customers' cases (requests, complaints, disputes, questions), queues, SLAs in working hours, e-mail threads and satisfaction surveys."""
