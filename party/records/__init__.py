"""Work records (meetings, inspections, documents, conferences; pledges adds awards and good
practices): one mechanism of pages, forms, filters, optimistic editing and attached files for every
kind registered in `registry`."""
